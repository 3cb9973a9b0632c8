/// lucid.v1.Sampler.Edit on a ServiceWorker: decode and check the request, run the drag edit on a
/// compute thread with progress as PARTIAL replies, and answer the edited image as FINAL.
import Foundation
import LucidBus
import LucidEditing
import LucidImage
import LucidProto

extension ServiceWorker {
    /// Serves "Edit" with `engine`. Bad requests get INVALID_ARGUMENT naming the problem, an edit
    /// the model cannot do FAILED_PRECONDITION; cancel and deadline stop the edit within one step.
    /// The worker keeps serving either way. `endpoint` is the broker, for the Discriminator calls.
    public func serveSampler(_ engine: SamplerEngine, endpoint: BusEndpoint) throws {
        let client = engine.quality == .bus ? try RPCClient(endpoint: endpoint) : nil
        let workerID = self.workerID
        register(method: "Edit") { (request: Lucid_V1_EditRequest, context) -> Lucid_V1_EditReply in
            let editor = engine.editor
            let edit = try DragEditRequest(request)
            let guide: (any QualityGuide)? = switch engine.quality {
            case .bus: client.map { BusQualityGuide(client: $0, traceID: context.traceID) }
            case .local: engine.localGuide
            case .none: nil
            }
            let started = ContinuousClock.now
            let result: DragEditResult
            do {
                result = try await ComputeThread.run { flag in
                    try editor.edit(edit, quality: guide, progress: { progress in
                        try? context.sendProgress(Lucid_V1_EditReply(progress))
                    }, isCancelled: { flag.isRaised })
                }
            } catch let error as EditingError {
                switch error {
                case .invalidInput, .invalidOption: throw RPCError(code: .invalidArgument, message: error.description)
                case .unsupported: throw RPCError(code: .failedPrecondition, message: error.description)
                }
            }
            var reply = Lucid_V1_EditReply()
            reply.result = try Lucid_V1_EditResult(result, seed: edit.options.seed, model: editor.model.identity,
                                                   workerID: workerID, seconds: started.duration(to: .now))
            return reply
        }
    }
}

extension DragEditRequest {
    /// The request's image, mask, pairs, intention and options; INVALID_ARGUMENT naming what is wrong.
    init(_ message: Lucid_V1_EditRequest) throws {
        let image: RasterImage, mask: BinaryMask
        do {
            guard message.hasImage else { throw RPCError(code: .invalidArgument, message: "the request has no image") }
            image = try RasterImage(message.image)
            guard image.width * image.height <= 4096 * 4096 else {
                throw RPCError(code: .invalidArgument, message: "the image is \(image.width)×\(image.height); at most 4096×4096 pixels are taken")
            }
        } catch let error as ImageError {
            throw RPCError(code: .invalidArgument, message: "the image: \(error)")
        }
        guard message.hasMask else { throw RPCError(code: .invalidArgument, message: "the request has no mask") }
        do {
            mask = try BinaryMask(message.mask, width: image.width, height: image.height)
        } catch let error as ImageError {
            throw RPCError(code: .invalidArgument, message: "the mask: \(error)")
        }
        guard message.hasIntention, !message.intention.targetPrompt.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "the request has no intention with a target prompt")
        }
        let pairs = message.pairs.map { pair in
            DragPair(handle: DragPoint(x: pair.handle.x, y: pair.handle.y), target: DragPoint(x: pair.target.x, y: pair.target.y))
        }
        let intention = message.intention
        let warp: AffineWarp?
        do {
            warp = intention.warp.isEmpty ? nil : try AffineWarp(intention.warp.map(Double.init))
        } catch let error as EditingError {
            throw RPCError(code: .invalidArgument, message: "the intention's warp: \(error)")
        }
        self.init(image: image, mask: mask, pairs: pairs,
                  sourcePrompt: intention.sourcePrompt.isEmpty ? intention.targetPrompt : intention.sourcePrompt,
                  targetPrompt: intention.targetPrompt, warp: warp, options: EditingOptions(message.options))
    }
}

extension Lucid_V1_EditReply {
    /// A PARTIAL reply for `progress` (its preview as PNG).
    init(_ progress: EditProgress) {
        self.init()
        var message = Lucid_V1_EditProgress()
        message.stage = progress.stage.rawValue
        message.step = UInt32(progress.step)
        message.totalSteps = UInt32(progress.total)
        if let preview = progress.preview, let png = try? preview.pngMessage() { message.preview = png }
        self.progress = message
    }
}

extension Lucid_V1_EditResult {
    /// The FINAL result of an edit.
    init(_ result: DragEditResult, seed: UInt64, model: String, workerID: String, seconds: Duration) throws {
        self.init()
        image = try result.image.pngMessage()
        qualityLogit = result.qualityLogit ?? .nan
        self.seconds = seconds.seconds
        var stages = Lucid_V1_StageSeconds()
        stages.encode = result.times.encode
        stages.invert = result.times.invert
        stages.sample = result.times.sample
        stages.decode = result.times.decode
        self.stages = stages
        self.seed = seed
        workingWidth = UInt32(result.frame.width)
        workingHeight = UInt32(result.frame.height)
        inversionCached = result.inversionCached
        qualityGuidanceApplied = result.qualityGuidanceApplied
        note = result.note ?? ""
        self.model = model
        self.workerID = workerID
    }
}
