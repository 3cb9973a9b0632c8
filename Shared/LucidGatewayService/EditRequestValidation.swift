/// EditRequestValidation: everything the gateway checks in a Gateway.Edit request before it calls
/// another service, each problem refused with INVALID_ARGUMENT and a message that says what to fix.
import Foundation
import LucidBus
import LucidImage
import LucidProto

extension Lucid_V1_GatewayEditRequest {
    /// Throws `RPCError(.invalidArgument)` naming the first problem: an undecodable image, a missing,
    /// empty or wrongly sized mask, no drags, a point outside the image or not finite, a handle equal
    /// to its target, `num_intentions` or `options.steps` above the limit, or a malformed caller-given
    /// intention.
    func validate() throws {
        let image: RasterImage
        do {
            image = try RasterImage(self.image)
        } catch ImageError.missing {
            throw invalid("no image: give the picture to edit as PNG or JPEG bytes or raw pixels")
        } catch let error as ImageError {
            throw invalid("image: \(error)")
        }
        try validateMask(width: image.width, height: image.height)
        try validatePairs(width: image.width, height: image.height)
        guard numIntentions <= GatewaySettings.maxIntentions else {
            throw invalid("num_intentions must be between 1 and \(GatewaySettings.maxIntentions) "
                + "(0 means \(GatewaySettings.defaultIntentions)), got \(numIntentions)")
        }
        guard options.steps <= GatewaySettings.maxSteps else {
            throw invalid("steps (options.steps) must be between 1 and \(GatewaySettings.maxSteps) (0 means the sampler's default), got \(options.steps)")
        }
        try validateIntentions()
    }

    private func validateMask(width: Int, height: Int) throws {
        let mask: BinaryMask
        do {
            mask = try BinaryMask(self.mask, width: width, height: height)
        } catch ImageError.missing {
            throw invalid("no mask: give the editable region as a \(width)×\(height) mask (non-zero = editable)")
        } catch ImageError.sizeMismatch(_, _, let actualWidth, let actualHeight) {
            throw invalid("the mask is \(actualWidth)×\(actualHeight) but the image is \(width)×\(height)")
        } catch let error as ImageError {
            throw invalid("mask: \(error)")
        }
        guard !mask.isEmpty else { throw invalid("the mask is empty: mark the editable region with non-zero pixels") }
    }

    private func validatePairs(width: Int, height: Int) throws {
        guard !pairs.isEmpty else { throw invalid("no point pairs: give at least one handle → target drag") }
        for (index, pair) in pairs.enumerated() {
            for (name, point) in [("handle", pair.handle), ("target", pair.target)] {
                guard point.x.isFinite, point.y.isFinite else {
                    throw invalid("pair \(index): the \(name) (\(point.x), \(point.y)) is not a finite point")
                }
                guard point.x >= 0, point.y >= 0, point.x < Float(width), point.y < Float(height) else {
                    throw invalid("pair \(index): the \(name) (\(point.x), \(point.y)) is outside the \(width)×\(height) image")
                }
            }
            guard pair.handle != pair.target else {
                throw invalid("pair \(index): the handle equals the target (\(pair.handle.x), \(pair.handle.y)); a drag must move")
            }
        }
    }

    private func validateIntentions() throws {
        guard intentions.count <= GatewaySettings.maxIntentions else {
            throw invalid("at most \(GatewaySettings.maxIntentions) intentions can be edited at once, got \(intentions.count)")
        }
        for (index, intention) in intentions.enumerated() {
            guard !intention.targetPrompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw invalid("intention \(index): the target prompt is empty; say what the image should show after the drag")
            }
            guard intention.confidence.isFinite, intention.confidence >= 0, intention.confidence <= 1 else {
                throw invalid("intention \(index): the confidence \(intention.confidence) is not in [0, 1]")
            }
        }
    }

    private func invalid(_ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message)
    }
}
