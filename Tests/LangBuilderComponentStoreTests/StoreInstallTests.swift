import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderTesting
import Testing

/// Publishing into a folder store and installing from it as `file://`; one test per refusal.
@Suite struct StoreInstallTests {
    @Test func publishInstallUpdateRollbackRemove() throws {
        let fixture = try StoreFixture("install")
        let published = try fixture.publisher.publish([try fixture.package("alpha", version: "1.0.0")])
        #expect(published.map(\.added) == [true])
        let client = try fixture.client()
        var index = try client.refreshIndex().index
        #expect(StoreClient.search("echoalpha", in: index).map(\.id) == ["test.store.alpha"])
        #expect(StoreClient.search("nothing-like-it", in: index).isEmpty)

        let plan = try client.plan(.init(parsing: "alpha"), index: index)
        #expect(plan.map(\.version.version) == ["1.0.0"])
        try client.install(plan, index: index)
        let first = try #require(fixture.installed.installed("test.store.alpha"))
        #expect(first.current == "1.0.0")
        #expect(first.previous == nil)
        // The current version is never reinstalled in place, pinned or not.
        #expect(try client.plan(.init(parsing: "alpha@1.0.0"), index: index).isEmpty)
        #expect(try client.plan(.init(parsing: "alpha"), index: index).isEmpty)
        let loaded = try BundleLoader().load(file: try #require(first.library).path)
        #expect(loaded.descriptor.version == "1.0.0")

        try fixture.publisher.publish([try fixture.package("alpha", version: "1.1.0")])
        index = try client.refreshIndex().index
        #expect(client.updates(index: index) == [.init(id: "test.store.alpha", installed: "1.0.0", available: "1.1.0")])
        try client.install(try client.plan(.init(name: "alpha"), index: index), index: index)
        let second = try #require(fixture.installed.installed("test.store.alpha"))
        #expect((second.current, second.previous) == ("1.1.0", "1.0.0"))
        #expect(client.updates(index: index).isEmpty)
        #expect(client.verify(index: index).isEmpty)
        // The new version loads from its own path, beside the old one.
        let reloaded = try BundleLoader().load(file: try #require(InstalledBundles.loadDirectories(bundlesDirectory: fixture.bundles).first) + "/libalpha.so")
        #expect(reloaded.descriptor.version == "1.1.0")
        #expect(reloaded.file != loaded.file)

        let back = try fixture.installed.rollback("test.store.alpha")
        #expect((back.from, back.to) == ("1.1.0", "1.0.0"))
        #expect(fixture.installed.installed("test.store.alpha")?.current == "1.0.0")

        try fixture.installed.remove("test.store.alpha")
        #expect(fixture.installed.list().isEmpty)
        #expect(storeError { try fixture.installed.remove("test.store.alpha") }?.reason == .notInstalled)
    }

    @Test func aPublishedVersionNeverChanges() throws {
        let fixture = try StoreFixture("immutable")
        let package = try fixture.package("beta", version: "1.0.0")
        try fixture.publisher.publish([package])
        // The same content again is a no-op; the index is not re-signed.
        let before = try fixture.publisher.currentIndex().version
        #expect(try fixture.publisher.publish([package]).map(\.added) == [false])
        #expect(try fixture.publisher.currentIndex().version == before)
        // Same version, other bytes: refused.
        let rebuilt = try fixture.package("beta", version: "1.0.0", padding: 64)
        #expect(storeError { try fixture.publisher.publish([rebuilt]) }?.reason == .versionImmutable)
    }

    @Test func aTamperedArtifactIsRefused() throws {
        let fixture = try StoreFixture("tampered")
        let published = try fixture.publisher.publish([try fixture.package("gamma", version: "1.0.0")])
        let artifact = fixture.store.appendingPathComponent(published[0].artifact.path)
        var bytes = try Data(contentsOf: artifact)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: artifact)
        let client = try fixture.client()
        let index = try client.refreshIndex().index
        let error = storeError { try client.install(try client.plan(.init(name: "gamma"), index: index), index: index) }
        #expect(error?.reason == .checksumMismatch)
        #expect(fixture.installed.list().isEmpty)
    }

    @Test func anOversizeArtifactIsRefused() throws {
        let fixture = try StoreFixture("oversize")
        let published = try fixture.publisher.publish([try fixture.package("delta", version: "1.0.0")])
        let artifact = fixture.store.appendingPathComponent(published[0].artifact.path)
        let handle = try FileHandle(forWritingTo: artifact)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0, count: 1 << 20))
        try handle.close()
        let client = try fixture.client()
        let index = try client.refreshIndex().index
        #expect(storeError { try client.install(try client.plan(.init(name: "delta"), index: index), index: index) }?.reason == .artifactTooLarge)
        // A host limit below the index's size refuses before downloading.
        var strict = client
        strict.maxArtifactBytes = 1024
        #expect(storeError { _ = try strict.plan(.init(name: "delta"), index: index) }?.reason == .artifactTooLarge)
    }

    @Test func theIndexOfAStoreIsCheckedOnEveryRefresh() throws {
        let fixture = try StoreFixture("index")
        try fixture.publisher.publish([try fixture.package("eps", version: "1.0.0")])
        let client = try fixture.client()
        _ = try client.refreshIndex()
        let indexFile = fixture.store.appendingPathComponent("index.json")
        let good = try Data(contentsOf: indexFile)

        // Wrong key: the host trusts another key.
        #expect(storeError { _ = try fixture.client(trusted: [StoreSigningKey().publicKey]).refreshIndex() }?.reason == .untrustedKey)
        // Unsigned.
        var signed = try SignedIndex.decode(good, store: "test")
        signed.signatures = []
        try signed.encoded().write(to: indexFile)
        #expect(storeError { _ = try client.refreshIndex() }?.reason == .unsignedIndex)
        // Tampered: the payload edited after signing.
        signed = try SignedIndex.decode(good, store: "test")
        let payload = String(decoding: try #require(Data(base64Encoded: signed.payload)), as: UTF8.self)
        signed.payload = Data(payload.replacingOccurrences(of: "A store test bundle.", with: "A friendly bundle.").utf8).base64EncodedString()
        try signed.encoded().write(to: indexFile)
        #expect(storeError { _ = try client.refreshIndex() }?.reason == .badSignature)

        // Rollback: a newer index is seen, then the old one is served again.
        try good.write(to: indexFile)
        try fixture.publisher.yank(bundle: "eps", version: "1.0.0", reason: "test")
        #expect(try client.refreshIndex().index.version == 2)
        try good.write(to: indexFile)
        #expect(storeError { _ = try client.refreshIndex() }?.reason == .indexRollback)

        // Expired: signed with a validity that has passed.
        var expiring = fixture.publisher
        expiring.validity = .seconds(-1)
        try expiring.resign()
        #expect(storeError { _ = try client.refreshIndex() }?.reason == .indexExpired)
    }

    @Test func incompatibleHostsAreRefusedBeforeDownloading() throws {
        let fixture = try StoreFixture("compat")
        try fixture.publisher.publish([try fixture.package("zeta", version: "1.0.0")])
        let index = try fixture.client().refreshIndex().index
        let host = StoreHost.current(version: StoreFixture.hostVersion)

        var otherPlatform = host
        otherPlatform.arch = host.arch == "x86_64" ? "aarch64" : "x86_64"
        let platform = storeError { _ = try fixture.client(host: otherPlatform).plan(.init(name: "zeta"), index: index) }
        #expect(platform?.reason == .wrongPlatform)

        var olderABI = host
        olderABI.abi = ABIVersion(major: host.abi.major, minor: 0)
        #expect(host.abi.minor > 0)
        #expect(storeError { _ = try fixture.client(host: olderABI).plan(.init(name: "zeta"), index: index) }?.reason == .newerABIMinor)

        var otherMajor = host
        otherMajor.abi = ABIVersion(major: host.abi.major + 1, minor: 0)
        #expect(storeError { _ = try fixture.client(host: otherMajor).plan(.init(name: "zeta"), index: index) }?.reason == .abiMajorMismatch)

        var oldHost = host
        oldHost.version = try #require(SemanticVersion("0.0.1"))
        #expect(storeError { _ = try fixture.client(host: oldHost).plan(.init(name: "zeta"), index: index) }?.reason == .hostTooOld)
        #expect(fixture.installed.list().isEmpty)
    }

    @Test func aSwiftBundleBuiltByAnotherCompilerIsRefused() throws {
        let fixture = try StoreFixture("swift")
        // A real Swift bundle from this build, packaged as the plugin does.
        let library = BundleFixtures.buildDirectory.appendingPathComponent("libstd-math.so").path
        let loaded = try BundleLoader().load(file: library)
        let folder = fixture.root.appendingPathComponent("std-math.lbbundle")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: library, toPath: folder.appendingPathComponent("libstd-math.so").path)
        try BundleManifest(describing: loaded).encoded().write(to: folder.appendingPathComponent("manifest.json"))
        try fixture.publisher.publish([folder])
        let index = try fixture.client().refreshIndex().index
        let artifact = try #require(index.bundle(named: "std-math")?.latest?.artifacts.first)
        #expect(artifact.language == .swift)
        #expect(artifact.swiftCompilerVersion == BuildFingerprint.host.swiftCompilerVersion)

        var otherCompiler = StoreHost.current(version: StoreFixture.hostVersion)
        otherCompiler.swiftCompilerVersion = "6.0.0"
        let error = storeError { _ = try fixture.client(host: otherCompiler).plan(.init(name: "std-math"), index: index) }
        #expect(error?.reason == .swiftCompilerMismatch)
        // The same host compiler installs it.
        let client = try fixture.client()
        try client.install(try client.plan(.init(name: "std-math"), index: index), index: index)
        #expect(fixture.installed.installed("dev.langbuilder.std-math")?.current == loaded.descriptor.version)
    }

    @Test func yankedVersionsNeedAnExactPin() throws {
        let fixture = try StoreFixture("yank")
        try fixture.publisher.publish([try fixture.package("eta", version: "1.0.0")])
        try fixture.publisher.yank(bundle: "eta", version: "1.0.0", reason: "broken output")
        let client = try fixture.client()
        let index = try client.refreshIndex().index
        let error = storeError { _ = try client.plan(.init(name: "eta"), index: index) }
        #expect(error?.reason == .yanked)
        #expect(error?.description.contains("broken output") == true)
        let pinned = try client.plan(.init(parsing: "eta@1.0.0"), index: index)
        #expect(pinned.map(\.version.version) == ["1.0.0"])
        // With a newer good version, the unpinned install skips the yanked one.
        try fixture.publisher.publish([try fixture.package("eta", version: "0.9.0")])
        let next = try client.refreshIndex().index
        #expect(try client.plan(.init(name: "eta"), index: next).map(\.version.version) == ["0.9.0"])
    }

    @Test func revokedBundlesAreRefusedAndReported() throws {
        let fixture = try StoreFixture("revoke")
        try fixture.publisher.publish([try fixture.package("theta", version: "1.0.0")])
        let client = try fixture.client()
        var index = try client.refreshIndex().index
        try client.install(try client.plan(.init(name: "theta"), index: index), index: index)
        try fixture.publisher.revoke(bundle: "theta", versions: "<2.0.0", reason: "leaks secrets")
        index = try client.refreshIndex().index
        let error = storeError { _ = try client.plan(.init(parsing: "theta@1.0.0"), index: index) }
        #expect(error?.reason == .revoked)
        #expect(error?.description.contains("leaks secrets") == true)
        #expect(client.revokedInstalls(index: index).map(\.id) == ["test.store.theta"])
        #expect(client.verify(index: index).contains { $0.contains("revoked") })
    }

    @Test func dependenciesAreResolvedFirst() throws {
        let fixture = try StoreFixture("deps")
        try fixture.publisher.publish([try fixture.package("base", version: "1.0.0"), try fixture.package("base", version: "1.4.0"), try fixture.package("base", version: "2.0.0")])
        try fixture.publisher.publish(
            [try fixture.package("app", version: "1.0.0")], options: .init(dependencies: ["test.store.base": "^1.2.0"]))
        try fixture.publisher.publish(
            [try fixture.package("broken", version: "1.0.0")], options: .init(dependencies: ["test.store.missing": "*"]))
        let client = try fixture.client()
        let index = try client.refreshIndex().index
        let plan = try client.plan(.init(name: "app"), index: index)
        #expect(plan.map { "\($0.bundle.name) \($0.version.version)" } == ["base 1.4.0", "app 1.0.0"])
        #expect(plan[0].requiredBy == "test.store.app 1.0.0")
        try client.install(plan, index: index)
        #expect(fixture.installed.list().map(\.id).sorted() == ["test.store.app", "test.store.base"])
        #expect(storeError { _ = try client.plan(.init(name: "broken"), index: index) }?.reason == .dependencyUnsatisfied)
        #expect(storeError { _ = try client.plan(.init(name: "nope"), index: index) }?.reason == .notFound)
    }

    @Test func staleStagingIsSweptAndAnUnfinishedVersionIsNotCurrent() throws {
        let fixture = try StoreFixture("sweep")
        try fixture.publisher.publish([try fixture.package("iota", version: "1.0.0")])
        let client = try fixture.client()
        let index = try client.refreshIndex().index
        try client.install(try client.plan(.init(name: "iota"), index: index), index: index)
        // What a killed installer leaves: a staging folder, and a version renamed in but never made current.
        let root = fixture.bundles.appendingPathComponent("store")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".staging/iota-2.0.0-x"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("test.store.iota/2.0.0"), withIntermediateDirectories: true)
        #expect(fixture.installed.installed("test.store.iota")?.current == "1.0.0")
        #expect(fixture.installed.sweep() == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("test.store.iota").path).sorted() == ["1.0.0", "current"])
        #expect(client.verify(index: index).isEmpty)
    }
}

@Suite struct StoreValidationTests {
    @Test func aBundleTheValidatorRefusesIsNotInstalledAndThePreviousStaysCurrent() throws {
        let fixture = try StoreFixture("validate")
        try fixture.publisher.publish([try fixture.package("kappa", version: "1.0.0")])
        let client = try fixture.client()
        var index = try client.refreshIndex().index
        try client.install(try client.plan(.init(name: "kappa"), index: index), index: index)
        try fixture.publisher.publish([try fixture.package("kappa", version: "1.1.0")])
        index = try client.refreshIndex().index
        var refusing = client
        refusing.validator = ProcessBundleValidator(executable: URL(fileURLWithPath: "/bin/false"), arguments: [])
        let error = storeError { try refusing.install(try refusing.plan(.init(name: "kappa"), index: index), index: index) }
        #expect(error?.reason == .validationFailed)
        #expect(fixture.installed.installed("test.store.kappa")?.current == "1.0.0")
        let staging = fixture.bundles.appendingPathComponent("store/.staging").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging).isEmpty)
    }

    @Test func aManifestFingerprintForAnotherMachineIsRefusedBeforeInstalling() throws {
        let fixture = try StoreFixture("fingerprint")
        let package = try fixture.package("lambda", version: "1.0.0")
        let manifestURL = package.appendingPathComponent("manifest.json")
        let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
        let edited = manifest.replacingOccurrences(of: "\"pointer_size\" : 8", with: "\"pointer_size\" : 4")
        #expect(edited != manifest)
        try edited.write(to: manifestURL, atomically: true, encoding: .utf8)
        try fixture.publisher.publish([package])
        let client = try fixture.client()
        let index = try client.refreshIndex().index
        let error = storeError { try client.install(try client.plan(.init(name: "lambda"), index: index), index: index) }
        #expect(error?.reason == .wrongPlatform)
        #expect(error?.field == "manifest.bundle.fingerprint.pointer_size")
        #expect(fixture.installed.list().isEmpty)
    }
}
