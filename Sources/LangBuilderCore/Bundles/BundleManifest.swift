public import Foundation
import Crypto

/// The `manifest.json` written next to a packaged bundle: what the bundle is, readable without running its code.
///
/// Written by `langbuilder-bundle-tool package` from the live descriptor; the component store and installer
/// read it before installing, and the host checks it against the live descriptor when it loads the bundle.
public struct BundleManifest: Sendable, Equatable, Codable {
    /// The manifest format; grows when fields are added.
    public var formatVersion: Int
    /// The library's file name inside the package folder, e.g. `libstd-text.so`.
    public var file: String
    /// SHA-256 of the library, lowercase hex.
    public var sha256: String
    /// Size of the library in bytes.
    public var size: Int
    public var bundle: BundleDescriptor

    public static let currentFormatVersion = 1

    public init(file: String, sha256: String, size: Int, bundle: BundleDescriptor) {
        self.formatVersion = Self.currentFormatVersion
        self.file = file
        self.sha256 = sha256
        self.size = size
        self.bundle = bundle
    }

    /// Builds the manifest of a loaded bundle from its file.
    public init(describing loaded: LoadedBundle) throws {
        let url = URL(fileURLWithPath: loaded.file)
        let data = try Data(contentsOf: url)
        self.init(file: url.lastPathComponent, sha256: Self.sha256(of: data), size: data.count, bundle: loaded.descriptor)
    }

    public static func sha256(of data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> BundleManifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(BundleManifest.self, from: data)
    }

    /// The differences between this manifest and what the library itself says; empty when they agree.
    public func mismatches(with loaded: LoadedBundle, libraryData: Data) -> [String] {
        var problems: [String] = []
        let digest = Self.sha256(of: libraryData)
        if digest != sha256 { problems.append("sha256: manifest says \(sha256), the file is \(digest)") }
        if libraryData.count != size { problems.append("size: manifest says \(size), the file has \(libraryData.count) bytes") }
        let live = loaded.descriptor
        if live.id != bundle.id { problems.append("id: manifest says \(bundle.id), the bundle says \(live.id)") }
        if live.version != bundle.version { problems.append("version: manifest says \(bundle.version), the bundle says \(live.version)") }
        if live.abiVersion != bundle.abiVersion { problems.append("abi_version: manifest says \(bundle.abiVersion), the bundle says \(live.abiVersion)") }
        if live.fingerprint != bundle.fingerprint { problems.append("fingerprint: the manifest's differs from the bundle's") }
        if live.components != bundle.components {
            let manifestNames = Set(bundle.components.map(\.typeName))
            let liveNames = Set(live.components.map(\.typeName))
            if manifestNames != liveNames {
                problems.append("components: manifest lists \(manifestNames.sorted()), the bundle exports \(liveNames.sorted())")
            } else {
                problems.append("components: the ports or metadata in the manifest differ from the bundle's")
            }
        }
        return problems
    }
}
