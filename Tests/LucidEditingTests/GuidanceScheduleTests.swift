/// Which sampling steps get editing and semantic guidance: DiffEditor's dense-then-even schedule for
/// both, semantic guidance cut off at `semanticSteps`.
import LucidEditing
import XCTest

final class GuidanceScheduleTests: XCTestCase {
    func testSemanticGuidanceRunsOnTheFirstGuidedSamplingSteps() {
        let options = EditingOptions()
        let sampled = options.startStep..<options.steps
        XCTAssertEqual(sampled.filter(options.isGuidanceStep), [16, 18, 20, 22, 24, 26, 28])
        XCTAssertEqual(sampled.filter(options.isSemanticStep), [16, 18, 20])
    }

    func testSemanticStepsFollowTheGuidanceScheduleAndItsWeight() {
        var options = EditingOptions()
        options.inversionStrength = 1
        options.semanticSteps = 13
        XCTAssertEqual((0..<options.steps).filter(options.isSemanticStep), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12],
                       "dense below 10, then even steps, below 13")
        options.semanticSteps = options.steps
        XCTAssertEqual((0..<options.steps).filter(options.isSemanticStep), (0..<options.steps).filter(options.isGuidanceStep),
                       "semantic_steps ≥ guidance_steps is method.md's schedule")
        options.semanticWeight = 0
        XCTAssertTrue((0..<options.steps).filter(options.isSemanticStep).isEmpty, "w_sem = 0 switches it off")
    }
}
