/// IntentionScorer: the built-in reasoner's "what" (method.md §1.2, without a model). Each kind scores
/// how well its transformation explains the drags (a Gaussian log-likelihood of the worst residual),
/// minus soft penalties for implausible parameters, mixed with the same read as drawn by hand (points a
/// pixel or two off: a wider Gaussian, softer ranges), plus a small prior from where the handles sit on
/// the object (centre or boundary); a softmax with a fitted temperature turns scores into confidences.
import Foundation
import LucidProto

/// Settings of the built-in scorer. Defaults are tuned on the demo-world dev set (see the README).
public struct IntentionScorerSettings: Sendable {
    /// Residual scale: a fit is "good" within max(`tolerancePixels`·k, `toleranceFraction`·longest drag),
    /// k = shorter image side / 128.
    public var tolerancePixels = 1.0
    public var toleranceFraction = 0.1
    /// How far off (pixels at side 128, per axis) a hand puts a handle or target. A kind's score mixes the
    /// exact reading with one as drawn by hand, weighted by `drawnWeight`: a wider residual Gaussian (a
    /// handle's noise grows with the fitted scale, a target's does not) and plausible ranges widened by
    /// how far the noise moves the fitted scale or factor.
    public var drawingNoisePixels = 2.0
    public var drawnWeight = 0.5
    /// Plausible uniform scales for enlarge and shrink, and axis factors for stretch.
    public var enlargeRange = 1.15...2.2
    public var shrinkRange = 0.45...0.87
    public var stretchRange = 1.15...2.2
    /// Axis factors below 1 (squashing) also read as stretch, with `squashPrior` added.
    public var squashRange = 0.45...0.87
    /// A move must travel at least this far (pixels at side 128).
    public var minimumMove = 3.0
    /// Objects are rarely made larger than this half-extent (pixels at side 128) or smaller than the minimum.
    public var maximumRadius = 32.0
    public var minimumRadius = 7.0
    /// A rotation must turn by at least this many degrees.
    public var minimumRotation = 5.0
    /// Width of the soft penalty outside a plausible range, relative to the range's bound.
    public var penaltyWidth = 0.06
    /// Deform explains any drag, but only as well as a fit this many tolerances off.
    public var deformResidual = 2.2
    /// Log-prior per kind when the handles sit on the object's boundary (relative extent ≥ `boundaryFrom`).
    public var boundaryPriors: [Lucid_V1_IntentionKind: Double] = [
        .enlarge: 0.6, .shrink: 0.6, .move: 0.0, .stretchHorizontal: -0.2, .stretchVertical: -0.2, .rotate: -0.3, .deform: 0,
    ]
    /// Log-prior per kind when the handles sit inside, near the centre.
    public var interiorPriors: [Lucid_V1_IntentionKind: Double] = [
        .move: 1.0, .enlarge: 0, .shrink: 0, .stretchHorizontal: 0, .stretchVertical: 0, .rotate: -0.3, .deform: 0,
    ]
    public var squashPrior = -1.0
    /// Handles at least this far out (distance from the centre over the object's extent that way) are on the boundary.
    public var boundaryFrom = 0.6
    /// Softmax temperature turning scores into confidences (0.8 minimises the Brier score on the large-drag
    /// dev set, exact or drawn at 1.5 px; 0.6–0.7 would on the short-drag dev set, 0.076 against 0.085;
    /// `luciddrag bench reasoner --fit-temperature`).
    public var temperature = 0.8

    public init() {}
}

/// The scored reading of one kind.
public struct KindScore: Sendable {
    public let kind: Lucid_V1_IntentionKind
    public let score: Double
    /// The fitted transformation (nil for deform).
    public let fit: TransformFit?
}

/// Scores every kind for a drag on a located object.
public struct IntentionScorer: Sendable {
    public var settings: IntentionScorerSettings

    public init(settings: IntentionScorerSettings = IntentionScorerSettings()) {
        self.settings = settings
    }

    /// Scores for all seven kinds. `centre` and `radius` describe the object; `extent(direction)` gives its
    /// reach from the centre in a direction (for boundary/centre placement); `imageSide` is the shorter side.
    public func score(pairs: [DragPair], centre: PixelPoint, radius: Double, imageSide: Int,
                      extent: (PixelPoint) -> Double) -> [KindScore] {
        let k = Double(imageSide) / 128
        let longest = pairs.map(\.displacement.length).max() ?? 0
        let tolerance = max(settings.tolerancePixels * k, settings.toleranceFraction * longest)
        let placement = pairs.map { pair -> Double in
            let offset = pair.handle - centre
            return offset.length / max(extent(offset), 1)
        }.reduce(0, +) / Double(pairs.count)
        let onBoundary = placement >= settings.boundaryFrom
        let priors = onBoundary ? settings.boundaryPriors : settings.interiorPriors
        var scores = TransformFit.fitAll(pairs: pairs, centre: centre).map { fit -> KindScore in
            let exact = -0.5 * pow(fit.residual / tolerance, 2) + implausibility(fit, radius: radius, k: k)
            let score = drawn(fit, pairs: pairs, centre: centre, tolerance: tolerance, radius: radius, k: k)
                .map { logSum(exact, $0) } ?? exact
            return KindScore(kind: fit.kind, score: score + (priors[fit.kind] ?? 0), fit: fit)
        }
        scores.append(KindScore(kind: .deform, score: -0.5 * pow(settings.deformResidual, 2) + (priors[.deform] ?? 0), fit: nil))
        return scores
    }

    /// Confidences for the scores, best first.
    public func rank(_ scores: [KindScore]) -> RankedKinds {
        RankedKinds(softmaxOf: Dictionary(uniqueKeysWithValues: scores.map { ($0.kind, $0.score) }),
                    temperature: settings.temperature)
    }

    /// The score of `fit` as a drag drawn by hand (nil without drawing noise): the residual's log-likelihood
    /// with the drawing noise added to the tolerance, and the plausible ranges widened by how far that noise
    /// moves the fitted parameter, plus log `drawnWeight`. Mixed with the exact score, an exact fit scores as
    /// before, and a fit a hand's imprecision explains scores far above deform.
    func drawn(_ fit: TransformFit, pairs: [DragPair], centre: PixelPoint, tolerance: Double, radius: Double,
               k: Double) -> Double? {
        let noise = settings.drawingNoisePixels * k
        guard noise > 0, settings.drawnWeight > 0 else { return nil }
        // A handle's error is carried by the fitted scale (an enlarge by 2 doubles it), a target's is not.
        let reach: Double?
        switch fit.kind {
        case .enlarge, .shrink: reach = rootMeanSquare(pairs.map { ($0.handle - centre).length })
        case .stretchHorizontal: reach = rootMeanSquare(pairs.map { $0.handle.x - centre.x })
        case .stretchVertical: reach = rootMeanSquare(pairs.map { $0.handle.y - centre.y })
        default: reach = nil
        }
        let gain = reach == nil ? 1 : max(1, abs(fit.parameter))
        let spread = noise * (1 + gain * gain).squareRoot()
        let variance = tolerance * tolerance + spread * spread
        let parameterSpread = reach.map { spread / max($0, k) } ?? 0
        return log(settings.drawnWeight) - 0.5 * fit.residual * fit.residual / variance
            + implausibility(fit, radius: radius, k: k, parameterSpread: parameterSpread)
    }

    private func rootMeanSquare(_ values: [Double]) -> Double {
        (values.map { $0 * $0 }.reduce(0, +) / Double(max(values.count, 1))).squareRoot()
    }

    /// log(e^a + e^b) without overflow.
    private func logSum(_ a: Double, _ b: Double) -> Double {
        let top = max(a, b)
        return top + log(exp(a - top) + exp(b - top))
    }

    /// Negative log-penalty (≤ 0) for parameters outside the kind's plausible range; `parameterSpread`
    /// (the fitted scale or factor's uncertainty) widens the soft edges of the scale and factor ranges.
    func implausibility(_ fit: TransformFit, radius: Double, k: Double, parameterSpread: Double = 0) -> Double {
        let s = settings
        let width = (s.penaltyWidth * s.penaltyWidth + parameterSpread * parameterSpread).squareRoot()
        let radiusWidth = (1 + pow(radius * parameterSpread / k, 2)).squareRoot()
        switch fit.kind {
        case .move:
            return -outside(fit.parameter / k, s.minimumMove...Double.infinity, width: 1)
        case .enlarge:
            return -outside(fit.parameter, s.enlargeRange, width: width)
                - outside(radius * fit.parameter / k, 0...s.maximumRadius, width: radiusWidth)
        case .shrink:
            return -outside(fit.parameter, s.shrinkRange, width: width)
                - outside(radius * fit.parameter / k, s.minimumRadius...Double.infinity, width: radiusWidth)
        case .stretchHorizontal, .stretchVertical:
            let stretch = outside(fit.parameter, s.stretchRange, width: width)
            let squash = outside(fit.parameter, s.squashRange, width: width) - s.squashPrior
            return -min(stretch, squash)
        case .rotate:
            return -outside(abs(fit.parameter), s.minimumRotation...180, width: 2)
        default:
            return 0
        }
    }

    /// Squared distance outside `range` in units of `width` (0 inside).
    private func outside(_ value: Double, _ range: ClosedRange<Double>, width: Double) -> Double {
        if value < range.lowerBound { return pow((range.lowerBound - value) / width, 2) }
        if value > range.upperBound { return pow((value - range.upperBound) / width, 2) }
        return 0
    }
}
