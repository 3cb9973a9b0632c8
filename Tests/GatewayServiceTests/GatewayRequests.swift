/// GatewayRequests: the Gateway.Edit requests the tests send — a red disc whose right edge is dragged
/// further right (the built-in reasoner reads it as enlarge, then move and stretch).
import Foundation
import LucidImage
import LucidProto

enum GatewayRequests {
    /// A 96×96 grey image with a red disc of radius 10 at (48, 48), and a mask around it.
    static func scene() throws -> (image: RasterImage, mask: BinaryMask) {
        var image = try RasterImage(width: 96, height: 96, format: .rgb, fill: [200, 200, 200])
        for y in 0..<96 {
            for x in 0..<96 where (x - 48) * (x - 48) + (y - 48) * (y - 48) <= 100 {
                image[x, y, 0] = 220; image[x, y, 1] = 40; image[x, y, 2] = 40
            }
        }
        var mask = BinaryMask(width: 96, height: 96)
        for y in 20..<76 { for x in 20..<76 { mask[x, y] = true } }
        return (image, mask)
    }

    static func pair(_ hx: Float, _ hy: Float, _ tx: Float, _ ty: Float) -> Lucid_V1_PointPair {
        var pair = Lucid_V1_PointPair()
        pair.handle.x = hx; pair.handle.y = hy; pair.target.x = tx; pair.target.y = ty
        return pair
    }

    /// The disc's right edge dragged 6 pixels right; N = 3, no caption, no options.
    static func rightEdgeDrag() throws -> Lucid_V1_GatewayEditRequest {
        let (image, mask) = try scene()
        var request = Lucid_V1_GatewayEditRequest()
        request.image = try image.pngMessage()
        request.mask = try mask.pngMessage()
        request.pairs = [pair(57, 48, 63, 48)]
        request.numIntentions = 3
        return request
    }

    static func intention(
        _ kind: Lucid_V1_IntentionKind, _ confidence: Float, source: String = "a red circle", target: String
    ) -> Lucid_V1_Intention {
        var intention = Lucid_V1_Intention()
        intention.kind = kind
        intention.confidence = confidence
        intention.sourcePrompt = source
        intention.targetPrompt = target
        intention.description_p = "\(kind) the red circle"
        return intention
    }
}
