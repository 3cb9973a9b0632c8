/// Tests of the built-in backend: locating and describing objects, reading drags, confidences, prompts.
import Foundation
import LucidImage
import LucidProto
@testable import LucidReasoning
import XCTest

final class BuiltinBackendTests: XCTestCase {
    private let backend = BuiltinBackend()

    func testTheLocatorNamesEachShapeColourAndSize() throws {
        let cases: [(ShapeName, RGB, Double, String, String)] = [
            (.circle, SyntheticScene.red, 11, "red", "small"), (.square, SyntheticScene.blue, 16, "blue", "medium"),
            (.triangle, RGB(240, 220, 40), 22, "yellow", "large"), (.star, RGB(140, 60, 190), 22, "purple", "large"),
            (.ring, RGB(40, 170, 60), 16, "green", "medium"), (.ellipse, RGB(245, 140, 30), 20, "orange", "large"),
        ]
        for (shape, colour, radius, colourName, size) in cases {
            let scene = SyntheticScene(shapes: [(shape, colour, 60, 70, radius)])
            // The handle sits on the object's body (for the ring, on its band; elsewhere near the centre).
            let handleX = shape == .ring ? 60 + radius * 0.8 : 62
            let input = try scene.input([drag(handleX, 70, handleX + 10, 70)])
            let analysis = backend.analyse(input)
            XCTAssertEqual(analysis.description.shape, shape, "\(shape)")
            XCTAssertEqual(analysis.description.colour, colourName, "\(shape)")
            XCTAssertEqual(analysis.description.size, size, "\(shape)")
            XCTAssertEqual(analysis.centre.x, 60, accuracy: 1, "\(shape)")
            XCTAssertEqual(analysis.centre.y, 70, accuracy: 1.2, "\(shape)")
        }
    }

    func testTheLocatorFindsTheObjectUnderTheHandleNotItsNeighbour() throws {
        let scene = SyntheticScene(shapes: [(.circle, SyntheticScene.red, 40, 64, 12), (.square, SyntheticScene.blue, 90, 64, 12)])
        let input = try ReasoningInput(image: scene.image(), mask: scene.mask(cx: 64, cy: 64, radius: 64),
                                       pairs: [drag(90, 64, 100, 70)])
        let answer = backend.answer(input)
        XCTAssertEqual(answer.regionDescription, "the small blue square at the right")
    }

    func testAHandleDrawnJustOffAnObjectsEdgeFindsTheObjectNotASpeckOfItsBlendedEdge() throws {
        // Large-drag dev task 0005: a medium black circle, its handle drawn 2 px off the edge (onto pixels
        // blended with the background) as `tools.demoworld.tasks --seed 29 --drags large --jitter 1.5` draws it.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/data/drag-large-dev/task-0005")
        let image = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("input.png"))).toRGB()
        let mask = BinaryMask(nonZeroIn: try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("mask.png")), alpha: .discard))
        let handle = PixelPoint(x: 75.7, y: 73.79)
        let region = try XCTUnwrap(RegionLocator().locate(in: image, mask: mask, handle: handle))
        let pixels = region.pixels.values.filter { $0 }.count
        XCTAssertGreaterThan(pixels, 600, "the circle (radius about 16), not a speck")
        let description = backend.answer(try ReasoningInput(image: image, mask: mask, pairs: [drag(75.7, 73.79, 76.78, 87.04)]))
            .regionDescription
        XCTAssertTrue(description.hasPrefix("the medium black circle"), description)
        // Taking the first seed as it comes gives the speck.
        var firstSeedOnly = RegionLocator()
        firstSeedOnly.seedAttempts = 1
        let speck = try XCTUnwrap(firstSeedOnly.locate(in: image, mask: mask, handle: handle))
        XCTAssertLessThan(speck.pixels.values.filter { $0 }.count, 9)
    }

    func testAnImageWithNothingToFindReasonsAboutTheMaskItself() throws {
        let scene = SyntheticScene(shapes: [])
        let input = try ReasoningInput(image: scene.image(), mask: scene.mask(cx: 64, cy: 64, radius: 20),
                                       pairs: [drag(64, 64, 80, 64)], caption: "an empty light gray background")
        let answer = backend.answer(input)
        XCTAssertEqual(answer.intentions.count, 3)
        XCTAssertEqual(answer.intentions.first?.kind, .move)
        XCTAssertTrue(answer.regionDescription.hasSuffix("gray object in the center"), answer.regionDescription)
    }

    func testAHandleAtTheCentreDraggedAwayReadsAsAMove() throws {
        let answer = backend.answer(try SyntheticScene.redCircle.input([drag(64, 64, 84, 54)]))
        XCTAssertEqual(answer.intentions.first?.kind, .move)
        XCTAssertGreaterThan(answer.intentions[0].confidence, 0.8)
        XCTAssertEqual(answer.intentions[0].description_p, "move the red circle up and to the right")
    }

    func testAHandleOnTheRightEdgeDraggedFurtherRightReadsAsEnlargeThenMoveThenStretch() throws {
        // method.md §1's example: enlarge first, then move and stretch-h.
        let answer = backend.answer(try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)]))
        XCTAssertEqual(answer.intentions.map(\.kind), [.enlarge, .move, .stretchHorizontal])
        XCTAssertGreaterThan(answer.intentions[0].confidence, answer.intentions[1].confidence)
    }

    func testEachIntentionCarriesItsFittedTransformAsAWarp() throws {
        let answer = backend.answer(try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)], count: 7))
        func image(of kind: Lucid_V1_IntentionKind, _ x: Float, _ y: Float) throws -> (Float, Float) {
            let w = try XCTUnwrap(answer.intentions.first { $0.kind == kind }).warp
            XCTAssertEqual(w.count, 6, "\(kind)")
            return (w[0] * x + w[1] * y + w[2], w[3] * x + w[4] * y + w[5])
        }
        // Each kind's map takes the handle to the target (the fits are exact for one pair) …
        for kind in [Lucid_V1_IntentionKind.enlarge, .move, .stretchHorizontal] {
            let (x, y) = try image(of: kind, 75, 64)
            XCTAssertEqual(x, 81, accuracy: 0.5, "\(kind)")
            XCTAssertEqual(y, 64, accuracy: 0.5, "\(kind)")
        }
        // … and differs elsewhere: the enlarge grows about the circle's centre, the move shifts,
        // the stretch keeps heights.
        XCTAssertEqual(try image(of: .enlarge, 64, 53).1, 47, accuracy: 0.5)
        XCTAssertEqual(try image(of: .move, 64, 53).1, 53, accuracy: 1e-4)
        XCTAssertEqual(try image(of: .move, 64, 53).0, 70, accuracy: 1e-4)
        XCTAssertEqual(try image(of: .stretchHorizontal, 53, 53).1, 53, accuracy: 1e-4)
        XCTAssertEqual(try image(of: .shrink, 75, 64).0, 75, accuracy: 0.5, "a shrink fitted to an outward drag does not grow")
        XCTAssertTrue(try XCTUnwrap(answer.intentions.first { $0.kind == .deform }).warp.isEmpty, "no affine map is a deform")
    }

    func testTwoHandlesOnOppositeCornersDraggedInwardReadAsShrink() throws {
        let input = try SyntheticScene.redCircle.input([drag(72, 56, 68.8, 59.2), drag(56, 72, 59.2, 68.8)])
        XCTAssertEqual(backend.answer(input).intentions.first?.kind, .shrink)
    }

    func testHandlesOnBothSidesPulledApartOffAxisReadAsAStretch() throws {
        let horizontal = try SyntheticScene.redCircle.input([drag(73.5, 58, 80, 58), drag(54.5, 70, 48, 70)])
        XCTAssertEqual(backend.answer(horizontal).intentions.first?.kind, .stretchHorizontal)
        let vertical = try SyntheticScene.redCircle.input([drag(58, 73.5, 58, 80), drag(70, 54.5, 70, 48)])
        XCTAssertEqual(backend.answer(vertical).intentions.first?.kind, .stretchVertical)
    }

    func testDragsDrawnAPixelOrTwoOffStillReadAsTheirKind() throws {
        // An enlarge by 2 from opposite corners (exactly (71.8, 56.2) → (79.6, 48.4), (56.2, 71.8) → (48.4, 79.6))
        // and a horizontal stretch by 2 (exactly (73.5, 58) → (83, 58), (54.5, 70) → (45, 70)), each point
        // drawn up to 2 px from where the exact edit puts it.
        let enlarge = try SyntheticScene.redCircle.input([drag(73.3, 56.9, 78.4, 46.6), drag(55.0, 70.9, 49.9, 81.1)])
        let stretch = try SyntheticScene.redCircle.input([drag(74.6, 57.1, 82.2, 59.6), drag(53.6, 71.2, 46.3, 69.5)])
        // An enlarge whose drawn points fit a scale of 2.38, beyond the plausible 2.2 by less than the noise moves it.
        let farEnlarge = try SyntheticScene.redCircle.input([drag(73.0, 57.0, 83.5, 44.0), drag(55.5, 72.5, 44.0, 83.9)])
        XCTAssertEqual(backend.answer(enlarge).intentions.first?.kind, .enlarge)
        XCTAssertEqual(backend.answer(stretch).intentions.first?.kind, .stretchHorizontal)
        XCTAssertEqual(backend.answer(farEnlarge).intentions.first?.kind, .enlarge)
        // Scored as exact drags, no transform explains them within its tolerance and range, and deform wins.
        var exact = IntentionScorerSettings()
        exact.drawnWeight = 0
        for input in [enlarge, stretch, farEnlarge] {
            XCTAssertEqual(BuiltinBackend(settings: exact).answer(input).intentions.first?.kind, .deform)
        }
    }

    func testHandlesDraggedAroundTheCentreReadAsRotate() throws {
        // Three boundary points turned 20° clockwise about (64, 64).
        let pairs = [0.0, 120, 240].map { degrees -> DragPair in
            let a = degrees * .pi / 180, b = (degrees + 20) * .pi / 180
            return drag(64 + 11 * cos(a), 64 + 11 * sin(a), 64 + 11 * cos(b), 64 + 11 * sin(b))
        }
        let answer = backend.answer(try SyntheticScene.redCircle.input(pairs))
        XCTAssertEqual(answer.intentions.first?.kind, .rotate)
        XCTAssertEqual(answer.intentions.first?.description_p, "rotate the red circle clockwise")
    }

    func testConfidencesSumToOneBestFirstWithTheRequestedCountAndRepeat() throws {
        let input = try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)], count: 5)
        let answer = backend.answer(input)
        XCTAssertEqual(answer.intentions.count, 5)
        XCTAssertEqual(answer.intentions.map(\.confidence).reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(answer.intentions.map(\.confidence), answer.intentions.map(\.confidence).sorted(by: >))
        XCTAssertEqual(Set(answer.intentions.map(\.kind.rawValue)).count, 5)
        XCTAssertEqual(backend.answer(input), answer, "the same input gives the same answer")
        XCTAssertEqual(answer.backend, "builtin")
        XCTAssertFalse(answer.fellBack)
    }

    func testPromptsEditTheCaptionOrTheDescription() throws {
        let caption = "a small red circle and a blue star on a light gray background"
        let withCaption = backend.answer(try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)], caption: caption))
        let enlarge = try XCTUnwrap(withCaption.intentions.first { $0.kind == .enlarge })
        XCTAssertEqual(enlarge.sourcePrompt, caption)
        XCTAssertEqual(enlarge.targetPrompt, "a medium red circle and a blue star on a light gray background",
                       "radius 11 scaled by 17/11 is medium, as the demo world's captions would say")
        XCTAssertEqual(enlarge.description_p, "enlarge the red circle")
        let move = try XCTUnwrap(withCaption.intentions.first { $0.kind == .move })
        XCTAssertEqual(move.targetPrompt, caption, "a move does not change what the caption says")
        XCTAssertEqual(move.description_p, "move the red circle to the right")
        // A stretched circle is an ellipse, sized as the locator would size an ellipse of its area
        // (half-extent r·√(f/0.6)): radius 11 stretched by 14/11 is medium, by 26/11 large.
        for (x, size) in [(78.0, "medium"), (90.0, "large")] {
            let answer = backend.answer(try SyntheticScene.redCircle.input([drag(75, 64, x, 64)], caption: caption, count: 7))
            let stretch = try XCTUnwrap(answer.intentions.first { $0.kind == .stretchHorizontal })
            XCTAssertEqual(stretch.targetPrompt, "a \(size) red ellipse and a blue star on a light gray background",
                           "a small circle stretched to x = \(x)")
        }
        let square = SyntheticScene(shapes: [(.square, SyntheticScene.red, 64, 64, 14)])
        let squareCaption = "a medium red square on a light gray background"
        for (pull, kind) in [(drag(77, 64, 87, 64), Lucid_V1_IntentionKind.stretchHorizontal), (drag(64, 77, 64, 87), .stretchVertical)] {
            let answer = backend.answer(try square.input([pull], caption: squareCaption))
            let stretched = try XCTUnwrap(answer.intentions.first { $0.kind == kind })
            XCTAssertEqual(stretched.targetPrompt, squareCaption, "\(kind): no caption names a stretched square")
        }

        let bare = backend.answer(try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)]))
        XCTAssertEqual(bare.intentions[0].sourcePrompt, "a small red circle")
        XCTAssertEqual(bare.intentions[0].targetPrompt, "a medium red circle")
        XCTAssertEqual(bare.regionDescription, "the small red circle in the center")
    }

    func testAResizeNamesTheSizeTheFittedScaleGivesAndNoChangeKeepsTheCaption() throws {
        let caption = "a large red circle on a beige background"
        let scene = SyntheticScene(shapes: [(.circle, SyntheticScene.red, 64, 64, 26)])
        // Shrunk to 0.6: radius 15.6 is medium, not small.
        let shrunk = backend.answer(try scene.input([drag(90, 64, 79.6, 64), drag(38, 64, 48.4, 64)], caption: caption))
        let shrink = try XCTUnwrap(shrunk.intentions.first { $0.kind == .shrink })
        XCTAssertEqual(shrink.targetPrompt, "a medium red circle on a beige background")
        // Enlarged to 1.3, a large circle is still large: the caption stays as it is.
        let enlarged = backend.answer(try scene.input([drag(90, 64, 97.8, 64), drag(38, 64, 30.2, 64)], caption: caption))
        let enlarge = try XCTUnwrap(enlarged.intentions.first { $0.kind == .enlarge })
        XCTAssertEqual(enlarge.targetPrompt, caption)
        XCTAssertEqual(enlarge.description_p, "enlarge the red circle")
    }

    func testACaptionThatDoesNotNameTheObjectGetsTheEditAppended() throws {
        let answer = backend.answer(try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)], caption: "a photo of a toy"))
        XCTAssertEqual(answer.intentions[0].targetPrompt, "a photo of a toy, with the small red circle enlarged")
    }
}
