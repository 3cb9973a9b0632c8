/// IntentionScorer: the built-in reasoner's "what" (method.md §1.2, without a model). Each kind scores
/// how well its transformation explains the drags (a Gaussian log-likelihood of the worst residual, mixed
/// with a wider one for drags drawn by hand, whose points land a pixel or two off), minus soft penalties for implausible parameters, plus a small prior from where the handles sit on the
/// object (centre or boundary); a softmax with a fitted temperature turns scores into confidences.
import Foundation
import LucidProto

/// Settings of the built-in scorer. Defaults are tuned on the demo-world dev set (see the README).
public struct IntentionScorerSettings: Sendable {
    /// Residual scale: a fit is "good" within max(`tolerancePixels`·k, `toleranceFraction`·longest drag),
    /// k = shorter image side / 128.
    public var tolerancePixels = 1.0
    public var toleranceFraction = 0.1
    /// How far off (pixels at side 128, per axis) a hand puts a handle or target. The likelihood mixes the
    /// exact fit's Gaussian with a wider one of this noise, weighted by `drawnWeight`; the noise of a
    /// handle grows with the fitted scale (an enlarge by 2 doubles it), a target's does not.
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
    /// Softmax temperature turning scores into confidences (0.8 minimises the Brier score on the dev set
    /// and on a held-out set alike; `luciddrag bench reasoner --fit-temperature`).
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
            let likelihood = logLikelihood(fit, tolerance: tolerance, k: k)
            let prior = (priors[fit.kind] ?? 0) + implausibility(fit, radius: radius, k: k)
            return KindScore(kind: fit.kind, score: likelihood + prior, fit: fit)
        }
        scores.append(KindScore(kind: .deform, score: -0.5 * pow(settings.deformResidual, 2) + (priors[.deform] ?? 0), fit: nil))
        return scores
    }

    /// Confidences for the scores, best first.
    public func rank(_ scores: [KindScore]) -> RankedKinds {
        RankedKinds(softmaxOf: Dictionary(uniqueKeysWithValues: scores.map { ($0.kind, $0.score) }),
                    temperature: settings.temperature)
    }

    /// log(N(residual; tolerance) + w·N(residual; tolerance ⊕ drawing noise)), up to a constant: an exact
    /// fit scores as before, and a fit a hand's imprecision explains still scores far above deform.
    func logLikelihood(_ fit: TransformFit, tolerance: Double, k: Double) -> Double {
        let exact = -0.5 * pow(fit.residual / tolerance, 2)
        let noise = settings.drawingNoisePixels * k
        guard noise > 0, settings.drawnWeight > 0 else { return exact }
        let gain: Double
        switch fit.kind {
        case .enlarge, .shrink, .stretchHorizontal, .stretchVertical: gain = max(1, abs(fit.parameter))
        default: gain = 1
        }
        let variance = tolerance * tolerance + noise * noise * (1 + gain * gain)
        let drawn = log(settings.drawnWeight) - 0.5 * fit.residual * fit.residual / variance
        let top = max(exact, drawn)
        return top + log(exp(exact - top) + exp(drawn - top))
    }

    /// Negative log-penalty (≤ 0) for parameters outside the kind's plausible range.
    func implausibility(_ fit: TransformFit, radius: Double, k: Double) -> Double {
        let s = settings
        switch fit.kind {
        case .move:
            return -outside(fit.parameter / k, s.minimumMove...Double.infinity, width: 1)
        case .enlarge:
            return -outside(fit.parameter, s.enlargeRange, width: s.penaltyWidth)
                - outside(radius * fit.parameter / k, 0...s.maximumRadius, width: 1)
        case .shrink:
            return -outside(fit.parameter, s.shrinkRange, width: s.penaltyWidth)
                - outside(radius * fit.parameter / k, s.minimumRadius...Double.infinity, width: 1)
        case .stretchHorizontal, .stretchVertical:
            let stretch = outside(fit.parameter, s.stretchRange, width: s.penaltyWidth)
            let squash = outside(fit.parameter, s.squashRange, width: s.penaltyWidth) - s.squashPrior
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
