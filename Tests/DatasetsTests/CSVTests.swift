import Foundation
import SeededRandom
import TestSupport
import Testing

@testable import Datasets

/// The line and CSV readers behind the CUB, wsolevaluation and folder adapters.
struct CSVTests {
    @Test func linesWithoutTrailingNewlineKeepTheLastLine() {
        let lines = TextTable.lines("a,1\nb,2")
        #expect(lines.map(\.text) == ["a,1", "b,2"])
        #expect(lines.map(\.number) == [1, 2])
    }

    @Test func linesDropCRAndBlankLinesButKeepNumbers() {
        let lines = TextTable.lines("x 1\r\n\r\n   \n\ty 2\r\n")
        #expect(lines.map(\.text) == ["x 1", "\ty 2"])
        #expect(lines.map(\.number) == [1, 4])
    }

    @Test func keyAndRestKeepsSpacesInsideThePath() throws {
        let split = try #require(TextTable.keyAndRest("  12   dir/a b.jpg  "))
        #expect(split.key == "12")
        #expect(split.rest == "dir/a b.jpg")
        #expect(TextTable.keyAndRest("12") == nil)
        #expect(TextTable.keyAndRest("12   ") == nil)
    }

    @Test func commaFieldsKeepEmptyFieldsLikePythonSplit() {
        #expect(TextTable.commaFields("img.jpg,mask.png,") == ["img.jpg", "mask.png", ""])
        #expect(TextTable.commaFields("") == [""])
    }

    @Test func integerAndNumberErrorsNameTheLine() {
        #expect(throws: DatasetError.malformedAnnotation(path: "f.txt", reason: "line 3: x0 'a' is not an integer")) {
            try TextTable.integer("a", what: "x0", path: "f.txt", line: 3)
        }
        #expect((try? TextTable.integer(" +7 ", what: "x", path: "f", line: 1)) == 7)
        #expect((try? TextTable.number("60.0", what: "x", path: "f", line: 1)) == 60)
        #expect(throws: DatasetError.self) { try TextTable.number("nan", what: "x", path: "f", line: 1) }
        #expect(throws: DatasetError.self) { try TextTable.number("inf", what: "x", path: "f", line: 1) }
    }

    @Test func csvHandlesQuotesDoubledQuotesAndCRLF() throws {
        let text = "id,label\r\n\"a,b\",\"say \"\"hi\"\"\"\r\nplain,x\r\n\"multi\nline\",y\r\n,\r\n"
        let records = try TextTable.csvRecords(text, path: "l.csv")
        #expect(
            records.map(\.fields) == [
                ["id", "label"], ["a,b", "say \"hi\""], ["plain", "x"], ["multi\nline", "y"], ["", ""],
            ])
        #expect(records.map(\.number) == [1, 2, 3, 4, 6])
    }

    @Test func csvWithoutTrailingNewlineAndWithBlankLines() throws {
        let records = try TextTable.csvRecords("a,b\n\n\nc,\"d\"", path: "l.csv")
        #expect(records.map(\.fields) == [["a", "b"], ["c", "d"]])
        #expect(records.map(\.number) == [1, 4])
        #expect(try TextTable.csvRecords("", path: "l.csv").isEmpty)
        #expect(try TextTable.csvRecords("\"\"", path: "l.csv").map(\.fields) == [[""]])
        #expect(try TextTable.csvRecords("a\rb", path: "l.csv").map(\.fields) == [["a"], ["b"]])
        #expect(try TextTable.csvRecords("5\" screen,x", path: "l.csv").map(\.fields) == [["5\" screen", "x"]])
    }

    @Test func csvErrorsAreTyped() {
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: "l.csv", reason: "line 2: quoted field is not closed before the end of the file")
        ) { try TextTable.csvRecords("a,b\n\"open,c\nd", path: "l.csv") }
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: "l.csv", reason: "line 1: unexpected character after a closing quote")
        ) { try TextTable.csvRecords("\"a\"b,c", path: "l.csv") }
    }

    @Test func decodeTextRejectsInvalidUTF8AndDropsTheBOM() throws {
        #expect(try TextTable.decodeText(Data([0xEF, 0xBB, 0xBF, 0x61]), path: "f") == "a")
        #expect(throws: DatasetError.malformedAnnotation(path: "f", reason: "not UTF-8 text")) {
            try TextTable.decodeText(Data([0x61, 0xFF, 0xFE]), path: "f")
        }
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/x.txt")) {
            try TextTable.readText("/nonexistent/x.txt")
        }
    }

    /// Seeded random byte strings and every truncation of a valid file: the readers return or throw
    /// ``DatasetError``, never crash.
    @Test func fuzzedInputNeverCrashes() {
        var generator = SplitMix64(seed: 0xC5B_2011)
        let alphabet = Array("ab,\"\r\n \t1.-".utf8)
        for round in 0..<3000 {
            let length = Int(generator.next() % 64)
            let bytes = (0..<length).map { _ -> UInt8 in
                round.isMultiple(of: 2)
                    ? UInt8(truncatingIfNeeded: generator.next())
                    : alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            exercise(Data(bytes))
        }
        let valid = Data("id,label\r\n\"a,b\",\"q\"\"x\"\r\nc,d\n1 60.0 27.0 325.0 304.0\n".utf8)
        for cut in 0...valid.count { exercise(valid.prefix(cut)) }
    }

    private func exercise(_ data: Data) {
        do {
            let text = try TextTable.decodeText(data, path: "fuzz")
            for line in TextTable.lines(text) {
                _ = TextTable.commaFields(line.text)
                _ = TextTable.whitespaceFields(line.text)
                _ = TextTable.keyAndRest(line.text)
                _ = try? TextTable.integer(line.text, what: "v", path: "fuzz", line: line.number)
                _ = try? TextTable.number(line.text, what: "v", path: "fuzz", line: line.number)
            }
            _ = try TextTable.csvRecords(text, path: "fuzz")
        } catch is DatasetError {
            // A typed error is the expected outcome for bad input.
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}
