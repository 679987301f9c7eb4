import Datasets
import Foundation
import Testing

/// An annotation file far larger than any real one is refused before it is read, so one bad file cannot take a
/// run's memory.
@Suite("Annotation file size limit")
struct AnnotationSizeLimitTests {
    @Test("an XML file over AnnotationXML.maximumFileSize is refused with its size; one under it parses")
    func oversizedAnnotationRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xml-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = "<annotation><size><width>4</width><height>3</height><depth>3</depth></size></annotation>"
        let padding = String(repeating: " ", count: AnnotationXML.maximumFileSize)
        let huge = folder.appendingPathComponent("huge.xml")
        try Data((small + padding).utf8).write(to: huge)
        #expect {
            try AnnotationXML.parse(contentsOf: huge.path)
        } throws: { error in
            guard case DatasetError.malformedAnnotation(let path, let reason) = error else { return false }
            return path == huge.path
                && reason.contains("\(small.utf8.count + AnnotationXML.maximumFileSize) bytes, more than")
        }
        let fine = folder.appendingPathComponent("fine.xml")
        try Data(small.utf8).write(to: fine)
        #expect(try AnnotationXML.parse(contentsOf: fine.path).width == 4)
    }
}
