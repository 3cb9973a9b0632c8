/// Requests: the Reason requests the service tests send — a good one and one per kind of bad input.
import Foundation
import LucidImage
import LucidProto
import LucidTestSupport

enum Requests {
    /// A handle on the disc's right edge dragged further right.
    static func rightEdgeDrag(count: Int) throws -> Lucid_V1_ReasonRequest {
        let (image, mask) = try DiscScene.make()
        var request = Lucid_V1_ReasonRequest()
        request.image = try image.pngMessage()
        request.mask = try mask.pngMessage()
        request.pairs = [DiscScene.pair(57, 48, 63, 48)]
        request.numIntentions = UInt32(count)
        return request
    }

    /// (request, the message it must be refused with) for each bad input.
    static func bad() throws -> [(Lucid_V1_ReasonRequest, String)] {
        let good = try rightEdgeDrag(count: 3)
        var noPoints = good
        noPoints.pairs = []
        var outside = good
        outside.pairs = [DiscScene.pair(57, 48, 130, 48)]
        var still = good
        still.pairs = [DiscScene.pair(57, 48, 57, 48)]
        var emptyMask = good
        emptyMask.mask = try BinaryMask(width: 96, height: 96).pngMessage()
        var smallMask = good
        smallMask.mask = try BinaryMask(width: 48, height: 48, value: true).pngMessage()
        var undecodable = good
        undecodable.image.encoded = Data("definitely not a picture".utf8)
        return [
            (noPoints, "no point pairs: give at least one handle → target drag"),
            (outside, "the target (130.0, 48.0) is outside the 96×96 image"),
            (still, "the handle equals the target"),
            (emptyMask, "the mask is empty: mark the editable region with non-zero pixels"),
            (smallMask, "the mask is 48×48 but the image is 96×96"),
            (undecodable, "the image cannot be decoded"),
        ]
    }
}
