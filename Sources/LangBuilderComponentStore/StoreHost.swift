public import LangBuilderCore

/// What a host is, as far as choosing an artifact goes: platform, ABI, Swift compiler and host version.
///
/// ```swift
/// let host = StoreHost.current(version: "0.1.0")
/// try host.check(artifact, of: version, bundle: "dev.acme.tools")
/// ```
public struct StoreHost: Sendable, Equatable {
    /// `linux` or `macos`.
    public var os: String
    /// `x86_64` or `aarch64`.
    public var arch: String
    public var abi: ABIVersion
    /// The Swift compiler that built the host; Swift bundles must match it exactly.
    public var swiftCompilerVersion: String
    /// The host's own version, compared with a bundle's `min_host_version`.
    public var version: SemanticVersion

    public init(os: String, arch: String, abi: ABIVersion, swiftCompilerVersion: String, version: SemanticVersion) {
        self.os = os
        self.arch = arch
        self.abi = abi
        self.swiftCompilerVersion = swiftCompilerVersion
        self.version = version
    }

    /// This process's platform, ABI and compiler, with the host version given by the caller.
    public static func current(version: SemanticVersion) -> StoreHost {
        StoreHost(
            os: currentOS, arch: currentArch, abi: .host, swiftCompilerVersion: BuildFingerprint.host.swiftCompilerVersion ?? "unknown",
            version: version)
    }

    /// The operating system name used in artifact names and the index.
    public static var currentOS: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "macos"
        #else
        "unknown"
        #endif
    }

    /// The architecture name used in artifact names and the index.
    public static var currentArch: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "aarch64"
        #else
        "unknown"
        #endif
    }

    /// `os-arch`, e.g. `linux-x86_64`.
    public var platform: String { "\(os)-\(arch)" }

    /// The artifacts of `version` built for this host's platform (any compiler).
    public func artifactsForPlatform(_ version: StoreBundleVersion) -> [StoreArtifact] {
        version.artifacts.filter { $0.os == os && $0.arch == arch }
    }

    /// Checks that `version` of `bundle` can be installed on this host and returns the artifact to install.
    ///
    /// The order of the checks decides which error a user sees: platform, then ABI, then Swift compiler, then
    /// host version.
    public func compatibleArtifact(of version: StoreBundleVersion, bundle: String) throws(ComponentStoreError) -> StoreArtifact {
        let subject = "\(bundle) \(version.version)"
        let candidates = artifactsForPlatform(version)
        guard !candidates.isEmpty else {
            throw ComponentStoreError(
                .wrongPlatform, subject: subject, field: "artifacts", expected: platform,
                actual: version.artifacts.isEmpty ? "no artifacts" : Set(version.artifacts.map(\.platform)).sorted().joined(separator: ", "))
        }
        try checkABI(version.abiVersion, subject: subject)
        let matching = candidates.filter { $0.language != .swift || $0.swiftCompilerVersion == swiftCompilerVersion }
        guard let artifact = matching.first else {
            throw ComponentStoreError(
                .swiftCompilerMismatch, subject: subject, field: "artifacts.swift_compiler_version", expected: "Swift \(swiftCompilerVersion)",
                actual: candidates.map { "Swift \($0.swiftCompilerVersion ?? "unknown")" }.joined(separator: ", "),
                detail: "Swift bundles must be built by the host's Swift compiler")
        }
        guard let minimum = SemanticVersion(version.minHostVersion) else {
            throw ComponentStoreError(.invalidIndex, subject: subject, field: "min_host_version", expected: "a semantic version", actual: version.minHostVersion)
        }
        guard self.version.withoutBuild >= minimum else {
            throw ComponentStoreError(
                .hostTooOld, subject: subject, field: "min_host_version", expected: "a host of \(minimum) or newer", actual: "\(self.version)")
        }
        return artifact
    }

    /// The ABI rule of the loader, applied before download: same major, a minor no newer than the host's.
    public func checkABI(_ abi: ABIVersion, subject: String) throws(ComponentStoreError) {
        guard abi.major == self.abi.major else {
            throw ComponentStoreError(.abiMajorMismatch, subject: subject, field: "abi_version", expected: "\(self.abi.major).x", actual: "\(abi)")
        }
        guard abi.minor <= self.abi.minor else {
            throw ComponentStoreError(
                .newerABIMinor, subject: subject, field: "abi_version", expected: "\(self.abi) or older", actual: "\(abi)",
                detail: "the bundle needs a newer host")
        }
    }
}
