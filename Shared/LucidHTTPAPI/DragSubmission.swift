/// DragSubmission: the JSON body of `POST /v1/edits` and `POST /v1/reason` — base64 image and mask,
/// the drags, and what to ask — turned into the contract's requests.
import Foundation
import LucidImage
import LucidProto
import SwiftProtobuf

/// `{image, mask, pairs: [{handle: [x, y], target: [x, y]}], caption?, intentions?, seed?, steps?, options?}`.
struct DragSubmission: Decodable {
    struct Pair: Decodable {
        let handle: [Float]
        let target: [Float]
    }

    /// Base64 PNG or JPEG.
    let image: String
    /// Base64 PNG; non-zero = editable.
    let mask: String
    let pairs: [Pair]
    let caption: String?
    /// N, the number of intentions to edit (the gateway's default when absent).
    let intentions: UInt32?
    let seed: UInt64?
    let steps: UInt32?

    /// Reads `body`; `options` (lucid.v1.SamplingOptions as proto3 JSON) is read apart from the rest.
    /// Throws `APIError` (400) for malformed JSON, bad base64, an image that cannot be decoded or
    /// whose longer side is above `maxImageSide`, and a point that is not an [x, y] pair.
    static func read(_ body: Data, maxImageSide: Int) throws -> (submission: DragSubmission, options: Lucid_V1_SamplingOptions) {
        let submission = try JSONBody.decode(DragSubmission.self, from: body)
        let image = try submission.decodedImage()
        guard max(image.width, image.height) <= maxImageSide else {
            throw APIError(.invalidArgument, "the image is \(image.width)×\(image.height); its longer side may be at most \(maxImageSide) pixels")
        }
        return (submission, try options(in: body))
    }

    /// The Gateway.Edit request: `options` with `seed` and `steps` applied over it.
    func gatewayRequest(options: Lucid_V1_SamplingOptions) throws -> Lucid_V1_GatewayEditRequest {
        let drag = try reasonRequest()
        var request = Lucid_V1_GatewayEditRequest()
        (request.image, request.mask, request.pairs) = (drag.image, drag.mask, drag.pairs)
        (request.caption, request.numIntentions) = (drag.caption, drag.numIntentions)
        request.options = options
        if let seed { request.options.seed = seed }
        if let steps { request.options.steps = steps }
        return request
    }

    /// The Reasoner.Reason request.
    func reasonRequest() throws -> Lucid_V1_ReasonRequest {
        var request = Lucid_V1_ReasonRequest()
        request.image.encoded = try Self.base64("image", image)
        request.mask.encoded = try Self.base64("mask", mask)
        request.pairs = try pointPairs()
        request.caption = caption ?? ""
        request.numIntentions = intentions ?? 0
        return request
    }

    private func decodedImage() throws -> RasterImage {
        do {
            return try decodeImage(try Self.base64("image", image))
        } catch let error as ImageError {
            throw APIError(.invalidArgument, "image: \(error)")
        }
    }

    private func pointPairs() throws -> [Lucid_V1_PointPair] {
        try pairs.enumerated().map { index, pair in
            var message = Lucid_V1_PointPair()
            message.handle = try Self.point(pair.handle, "pairs[\(index)].handle")
            message.target = try Self.point(pair.target, "pairs[\(index)].target")
            return message
        }
    }

    private static func point(_ coordinates: [Float], _ name: String) throws -> Lucid_V1_Point {
        guard coordinates.count == 2 else {
            throw APIError(.invalidArgument, "\(name) must be [x, y], got \(coordinates.count) numbers")
        }
        var point = Lucid_V1_Point()
        point.x = coordinates[0]
        point.y = coordinates[1]
        return point
    }

    private static func base64(_ name: String, _ text: String) throws -> Data {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw APIError(.invalidArgument, "\(name) must be a base64 PNG\(name == "image" ? " or JPEG" : "")")
        }
        return data
    }

    /// The body's "options" object as SamplingOptions (unknown fields refused).
    private static func options(in body: Data) throws -> Lucid_V1_SamplingOptions {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let value = object["options"], !(value is NSNull) else { return Lucid_V1_SamplingOptions() }
        guard let options = value as? [String: Any] else {
            throw APIError(.invalidArgument, "options must be a JSON object (lucid.v1.SamplingOptions)")
        }
        do {
            return try Lucid_V1_SamplingOptions(jsonUTF8Data: try JSONSerialization.data(withJSONObject: options))
        } catch {
            throw APIError(.invalidArgument, "options: not lucid.v1.SamplingOptions (\(error))")
        }
    }
}
