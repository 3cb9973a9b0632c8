// How the tests compare pictures: PSNR over a chosen set of pixels.
import Foundation
import LucidImage

/// PSNR in dB between two RGB images of one size over the pixels where `inside(x, y)` holds
/// (infinite when they agree there exactly or no pixel is chosen).
public func psnr(_ a: RasterImage, _ b: RasterImage, where inside: (Int, Int) -> Bool) -> Double {
    var total = 0.0, count = 0
    for y in 0..<a.height {
        for x in 0..<a.width where inside(x, y) {
            for c in 0..<3 {
                let d = Double(a[x, y, c]) - Double(b[x, y, c])
                total += d * d
                count += 1
            }
        }
    }
    guard count > 0, total > 0 else { return .infinity }
    return 10 * log10(255 * 255 / (total / Double(count)))
}
