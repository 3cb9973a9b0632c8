/// Pixel metrics of an edit: PSNR over a region (inside the mask against the ground truth, outside it
/// against the input) and the distance between two results inside the mask (diversity).
import Foundation
import LucidImage

/// Comparisons of RGB images of the same size over the pixels a mask selects.
public enum ImageMetrics {
    /// PSNR in dB between `a` and `b` over the pixels where `region` is `inside` (∞ when they are
    /// equal there, nil when the region is empty).
    public static func psnr(_ a: RasterImage, _ b: RasterImage, mask region: BinaryMask, inside: Bool) -> Double? {
        guard let mse = meanSquaredError(a, b, mask: region, inside: inside) else { return nil }
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// The root-mean-square difference (0–255) of `a` and `b` inside `region`.
    public static func rmsInside(_ a: RasterImage, _ b: RasterImage, mask region: BinaryMask) -> Double {
        (meanSquaredError(a, b, mask: region, inside: true) ?? 0).squareRoot()
    }

    private static func meanSquaredError(_ a: RasterImage, _ b: RasterImage, mask region: BinaryMask, inside: Bool) -> Double? {
        let a = a.toRGB(), b = b.toRGB()
        precondition(a.width == b.width && a.height == b.height && region.width == a.width && region.height == a.height,
                     "images and mask must have one size")
        var sum = 0.0, count = 0
        for p in 0..<(a.width * a.height) where region.values[p] == inside {
            for c in 0..<3 {
                let d = Double(a.pixels[p * 3 + c]) - Double(b.pixels[p * 3 + c])
                sum += d * d
            }
            count += 3
        }
        return count == 0 ? nil : sum / Double(count)
    }
}
