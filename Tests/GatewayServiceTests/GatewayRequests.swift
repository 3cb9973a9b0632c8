/// GatewayRequests: the Gateway.Edit requests the tests send — a red disc whose right edge is dragged
/// further right (the built-in reasoner reads it as enlarge, then move and stretch).
import Foundation
import LucidImage
import LucidProto
import LucidTestSupport

enum GatewayRequests {
    /// The disc's right edge dragged 6 pixels right; N = 3, no caption, no options.
    static func rightEdgeDrag() throws -> Lucid_V1_GatewayEditRequest {
        let (image, mask) = try DiscScene.make()
        var request = Lucid_V1_GatewayEditRequest()
        request.image = try image.pngMessage()
        request.mask = try mask.pngMessage()
        request.pairs = [DiscScene.pair(57, 48, 63, 48)]
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
