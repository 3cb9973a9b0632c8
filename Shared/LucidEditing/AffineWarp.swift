/// The transform an intention fitted to the drag, as a 2×3 affine map: where the start latent's
/// masked cells take their content from.

/// An affine map of the plane: (x, y) ↦ (a·x + b·y + c, d·x + e·y + f).
public struct AffineWarp: Sendable, Equatable {
    public let a: Double, b: Double, c: Double, d: Double, e: Double, f: Double

    /// The six coefficients in row-major order (`Intention.warp`); throws unless there are six
    /// finite ones and the map can be inverted.
    public init(_ coefficients: [Double]) throws {
        guard coefficients.count == 6 else {
            throw EditingError.invalidInput("a warp has 6 coefficients (a 2×3 affine map), got \(coefficients.count)")
        }
        guard coefficients.allSatisfy(\.isFinite) else {
            throw EditingError.invalidInput("the warp's coefficients must be finite, got \(coefficients)")
        }
        (a, b, c, d, e, f) = (coefficients[0], coefficients[1], coefficients[2], coefficients[3], coefficients[4], coefficients[5])
        let determinant = a * e - b * d
        guard abs(determinant) >= 1e-3, abs(determinant) <= 1e3 else {
            throw EditingError.invalidInput("the warp scales areas by \(determinant): it must lie in ±[0.001, 1000]")
        }
    }

    /// The image of the point (x, y).
    public func callAsFunction(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// The inverse map.
    public var inverse: AffineWarp {
        let determinant = a * e - b * d
        let ia = e / determinant, ib = -b / determinant, id = -d / determinant, ie = a / determinant
        return AffineWarp(uncheckedCoefficients: (ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)))
    }

    /// The same map in coordinates scaled by `sx` along x and `sy` along y (p' = S·p): S·W·S⁻¹;
    /// `sx` and `sy` must be positive.
    public func rescaled(x sx: Double, y sy: Double) -> AffineWarp {
        AffineWarp(uncheckedCoefficients: (a, b * sx / sy, c * sx, d * sy / sx, e, f * sy))
    }

    /// A map derived from a checked one (its inverse, a rescaling), which is invertible too.
    private init(uncheckedCoefficients k: (Double, Double, Double, Double, Double, Double)) {
        (a, b, c, d, e, f) = k
    }
}
