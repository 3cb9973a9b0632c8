/// A drag task of the committed dev set (Benchmarks/data/drag-dev), and the repository's paths.
import Foundation
import LucidEditing
import LucidImage
import LucidTestSupport
import LucidTensor

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let demoModel = root.appendingPathComponent("Models/demo-world")
    static let editGolden = root.appendingPathComponent("Tests/Fixtures/edit/golden.safetensors")
}

/// Input image, mask, drags and caption of one dev-set task.
struct DevTask {
    let image: RasterImage
    let mask: BinaryMask
    let pairs: [DragPair]
    let caption: String
    /// The caption of the first acceptable result (what the intended edit shows).
    let captionAfter: String

    init(_ name: String) throws {
        let folder = Repository.root.appendingPathComponent("Benchmarks/data/drag-dev/\(name)")
        image = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("input.png")))
        mask = BinaryMask(nonZeroIn: try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("mask.png"))))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("task.json"))) as! [String: Any]
        pairs = (json["pairs"] as! [[String: [Double]]]).map { pair in
            DragPair(handle: DragPoint(x: Float(pair["handle"]![0]), y: Float(pair["handle"]![1])),
                     target: DragPoint(x: Float(pair["target"]![0]), y: Float(pair["target"]![1])))
        }
        caption = json["caption"] as! String
        captionAfter = ((json["acceptable"] as! [[String: Any]])[0]["caption_after"] as! String)
    }
}
