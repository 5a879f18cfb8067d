import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderTesting
import Testing
import ZIPFoundation

@Suite struct ArtifactArchiveTests {
    /// A ZIP with the given entries: (path, type, contents).
    func zip(_ entries: [(String, Entry.EntryType, Data)]) throws -> URL {
        let url = try BundleFixtures.temporaryDirectory("zip").appendingPathComponent("artifact.zip")
        let archive = try Archive(url: url, accessMode: .create)
        for (path, type, data) in entries {
            try archive.addEntry(with: path, type: type, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }

    func unpack(_ archive: URL, limits: ArtifactArchive.Limits = .init()) throws -> (URL, ComponentStoreError?) {
        let folder = try BundleFixtures.temporaryDirectory("unpack")
        let error = storeError { _ = try ArtifactArchive.unpack(archive, into: folder, limits: limits, subject: "artifact.zip") }
        return (folder, error)
    }

    @Test func packingIsDeterministicAndUnpacksToTheBundleFolder() throws {
        let fixture = try StoreFixture("pack")
        let folder = try fixture.package("alpha", version: "1.0.0")
        let first = fixture.root.appendingPathComponent("a.zip"), second = fixture.root.appendingPathComponent("b.zip")
        let manifest = try ArtifactArchive.pack(folder: folder, to: first)
        try ArtifactArchive.pack(folder: folder, to: second)
        #expect(try ArtifactArchive.digest(of: first) == ArtifactArchive.digest(of: second))
        let out = fixture.root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let unpacked = try ArtifactArchive.unpack(first, into: out, subject: "a.zip")
        #expect(unpacked == manifest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["libalpha.so", "manifest.json"])
        let reports = BundleValidation().validate(path: out.path)
        #expect(reports.count == 1 && reports.allSatisfy { $0.isValid })
    }

    @Test func aZipSlipPathIsRefusedBeforeAnythingIsWritten() throws {
        let archive = try zip([("manifest.json", .file, Data("{}".utf8)), ("../escaped.so", .file, Data("x".utf8))])
        let (folder, error) = try unpack(archive)
        #expect(error?.reason == .unsafePath)
        #expect(error?.subject.contains("../escaped.so") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.deletingLastPathComponent().appendingPathComponent("escaped.so").path))
    }

    @Test func anAbsolutePathIsRefused() throws {
        let (_, error) = try unpack(try zip([("/tmp/owned.so", .file, Data("x".utf8))]))
        #expect(error?.reason == .unsafePath)
    }

    @Test func aSymlinkEntryIsRefused() throws {
        let archive = try zip([("manifest.json", .file, Data("{}".utf8)), ("libevil.so", .symlink, Data("/etc/passwd".utf8))])
        let (folder, error) = try unpack(archive)
        #expect(error?.reason == .linkEntry)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func nestedFoldersAreRefused() throws {
        #expect(try unpack(try zip([("lib/evil.so", .file, Data("x".utf8))])).1?.reason == .unsafePath)
        #expect(try unpack(try zip([("lib/", .directory, Data())])).1?.reason == .unsafePath)
    }

    @Test func anOversizeEntryIsRefused() throws {
        let archive = try zip([("manifest.json", .file, Data(repeating: 32, count: 4096))])
        let (_, error) = try unpack(archive, limits: .init(maxEntries: 4, maxEntryBytes: 1024, maxTotalBytes: 1 << 20))
        #expect(error?.reason == .archiveTooLarge)
    }

    @Test func tooManyEntriesAreRefused() throws {
        let archive = try zip((0..<5).map { ("file\($0)", .file, Data("x".utf8)) })
        let (_, error) = try unpack(archive, limits: .init(maxEntries: 4))
        #expect(error?.reason == .archiveTooLarge)
    }

    @Test func anArchiveWithoutAManifestIsRefused() throws {
        #expect(try unpack(try zip([("libx.so", .file, Data("x".utf8))])).1?.reason == .invalidArtifact)
        let notAZip = try BundleFixtures.temporaryDirectory("nozip").appendingPathComponent("a.zip")
        try Data("not a zip".utf8).write(to: notAZip)
        #expect(try unpack(notAZip).1?.reason == .invalidArtifact)
    }
}
