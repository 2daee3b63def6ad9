import Testing
@testable import Alignment

/// Issue 16: an Ali-Net configuration (from a model file's metadata) whose sizes multiply to an unbounded allocation
/// is refused with overflow-checked arithmetic before anything is built.
@Suite struct AliNetBoundsTests {
    @Test("sizes whose product asks for about 1 TiB of weights are refused, quickly")
    func hugeProductRefused() {
        var c = AliNetConfiguration.tiny
        c.mouthHeight = 512
        c.mouthWidth = 512
        c.videoChannels = [1024]
        c.hidden = 4096
        #expect((c.parameterBound ?? .max) > AliNetConfiguration.maxParameters)
        #expect(throws: AlignmentError.self) { try c.validate() }
        #expect(throws: AlignmentError.self) { try AliNet(configuration: c) }
    }

    @Test("the bound is at least the real parameter count of the shipped and the tiny configurations")
    func boundCoversRealCount() throws {
        for c in [AliNetConfiguration.tiny, AliNetConfiguration()] {
            let net = try AliNet(configuration: c)
            let bound = try #require(c.parameterBound)
            #expect(bound >= net.parameterCount)
            #expect(bound <= AliNetConfiguration.maxParameters)
        }
    }
}
