// The inputs of one drag edit as the command line gives them (`edit` from files, `demo` from a task
// folder), and the Gateway.Edit request made from them.
import ArgumentParser
import Foundation
import LucidImage
import LucidProto

/// An image, its mask and its drags, read from files; the image is also decoded here for the sheet.
struct EditInputs: Sendable {
    let imagePath: String
    let maskPath: String
    let image: RasterImage
    let imageMessage: Lucid_V1_Image
    let maskMessage: Lucid_V1_Mask
    let pairs: [Lucid_V1_PointPair]
    let caption: String

    /// Reads the image (PNG or JPEG) and the mask (PNG); the gateway checks them again, with the drags.
    init(imagePath: String, maskPath: String, pairs: [Lucid_V1_PointPair], caption: String) throws {
        self.imagePath = imagePath
        self.maskPath = maskPath
        var imageMessage = Lucid_V1_Image()
        imageMessage.encoded = try Self.read(imagePath, what: "image")
        do {
            image = try RasterImage(imageMessage)
        } catch let error as ImageError {
            throw InputError(description: "cannot read the image \(imagePath): \(error)")
        }
        self.imageMessage = imageMessage
        var maskMessage = Lucid_V1_Mask()
        maskMessage.encoded = try Self.read(maskPath, what: "mask")
        self.maskMessage = maskMessage
        self.pairs = pairs
        self.caption = caption
    }

    /// The Gateway.Edit request: N intentions (0 = the gateway's default), the seed and step count
    /// when given (else the gateway draws the seed and the sampler uses its default steps).
    func request(intentions: Int, seed: UInt64?, steps: UInt32?) -> Lucid_V1_GatewayEditRequest {
        var request = Lucid_V1_GatewayEditRequest()
        request.image = imageMessage
        request.mask = maskMessage
        request.pairs = pairs
        request.caption = caption
        request.numIntentions = UInt32(intentions)
        if let seed { request.options.seed = seed }
        if let steps { request.options.steps = steps }
        return request
    }

    private static func read(_ path: String, what: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(description: "cannot read the \(what) file \(path): \(error.localizedDescription)")
        }
    }
}

/// An input file that cannot be read; the command stops with this message.
struct InputError: Error, CustomStringConvertible {
    let description: String
}

/// A drag on the command line: `X1,Y1:X2,Y2`, the handle then the target, in image pixels.
struct DragArgument: ExpressibleByArgument {
    let pair: Lucid_V1_PointPair

    init?(argument: String) {
        let ends = argument.split(separator: ":", omittingEmptySubsequences: false)
        guard ends.count == 2, let handle = Self.point(ends[0]), let target = Self.point(ends[1]) else { return nil }
        var pair = Lucid_V1_PointPair()
        pair.handle = handle
        pair.target = target
        self.pair = pair
    }

    private static func point(_ text: Substring) -> Lucid_V1_Point? {
        let coordinates = text.split(separator: ",", omittingEmptySubsequences: false)
        guard coordinates.count == 2,
              let x = Float(coordinates[0].trimmingCharacters(in: .whitespaces)),
              let y = Float(coordinates[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        var point = Lucid_V1_Point()
        point.x = x
        point.y = y
        return point
    }
}
