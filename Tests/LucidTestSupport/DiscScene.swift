/// DiscScene: the drag scene the reasoner and gateway service tests share — a red disc on grey, and
/// drags given as four numbers.
import LucidImage
import LucidProto

public enum DiscScene {
    /// A 96×96 grey image with a red disc of radius 10 at (48, 48), and a mask around it (20..<76 square).
    public static func make() throws -> (image: RasterImage, mask: BinaryMask) {
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

    /// The drag from (`hx`, `hy`) to (`tx`, `ty`).
    public static func pair(_ hx: Float, _ hy: Float, _ tx: Float, _ ty: Float) -> Lucid_V1_PointPair {
        var pair = Lucid_V1_PointPair()
        pair.handle.x = hx; pair.handle.y = hy; pair.target.x = tx; pair.target.y = ty
        return pair
    }
}
