/// Drawing on RasterImage: a label, a drag arrow and a side-by-side row change exactly the pixels
/// they should, compared as pictures (one character a pixel).
import LucidImage
import XCTest

final class DrawingTests: XCTestCase {
    private let white = RGB(255, 255, 255), black = RGB(0, 0, 0)
    private let red = RGB(220, 30, 30), green = RGB(30, 180, 30), blue = RGB(30, 30, 220)

    /// The image as rows of characters, one a pixel, named by `palette`.
    private func picture(_ image: RasterImage, _ palette: [RGB: Character]) -> [String] {
        (0..<image.height).map { y in
            String((0..<image.width).map { x in palette[image.colour(x: x, y: y)] ?? "?" })
        }
    }

    func testALabelInksExactlyItsGlyphPixels() throws {
        var image = try RasterImage(width: 13, height: 9, colour: white)
        image.drawText("Hi", x: 1, y: 1, black)
        XCTAssertEqual(picture(image, [white: ".", black: "#"]), [
            ".............",
            ".#...#...#...",
            ".#...#.......",
            ".#...#..##...",
            ".#####...#...",
            ".#...#...#...",
            ".#...#...#...",
            ".#...#..###..",
            ".............",
        ])
        XCTAssertEqual(BitmapFont.width(of: "Hi"), 11)
    }

    func testAScaledLabelInksEachFontPixelAsASquare() throws {
        var image = try RasterImage(width: 12, height: 16, colour: white)
        image.drawText("-", x: 1, y: 1, scale: 2, black)
        let rows = picture(image, [white: ".", black: "#"])
        XCTAssertEqual(rows[7], ".##########.")
        XCTAssertEqual(rows[8], ".##########.")
        XCTAssertEqual(rows.enumerated().filter { $0.offset != 7 && $0.offset != 8 }.map(\.element),
                       Array(repeating: "............", count: 14))
    }

    func testADragArrowDrawsTheLineThenTheHandleAndTargetDots() throws {
        var image = try RasterImage(width: 12, height: 5, colour: white)
        image.drawDrag(from: (2, 2), to: (9, 2), dotRadius: 1, line: green, handleDot: red, targetDot: blue)
        XCTAssertEqual(picture(image, [white: ".", green: "g", red: "r", blue: "b"]), [
            "............",
            "..r......b..",
            ".rrrggggbbb.",
            "..r......b..",
            "............",
        ])
    }

    func testADiagonalLineStepsOnePixelPerColumnAndIsClipped() throws {
        var image = try RasterImage(width: 5, height: 4, colour: white)
        image.drawLine(from: (0, 0), to: (6, 3), black)
        XCTAssertEqual(picture(image, [white: ".", black: "#"]), [
            "#....",
            ".##..",
            "...##",
            ".....",
        ])
    }

    func testImagesSideBySideAreTopAlignedWithAGap() throws {
        let left = try RasterImage(width: 2, height: 2, colour: red)
        let right = try RasterImage(width: 1, height: 3, colour: blue)
        let row = try RasterImage.sideBySide([left, right], gap: 1, background: white)
        XCTAssertEqual(picture(row, [white: ".", red: "r", blue: "b"]), [
            "rr.b",
            "rr.b",
            "...b",
        ])
    }

    func testTheFontDrawsEveryPrintableASCIICharacter() {
        XCTAssertEqual(BitmapFont.characters, Set((32...126).map { Character(Unicode.Scalar(UInt8($0))) }))
        XCTAssertTrue(BitmapFont.isInk("é", x: 1, y: 0), "an unknown character draws as ?")
        XCTAssertFalse(BitmapFont.isInk("é", x: 0, y: 0))
    }
}
