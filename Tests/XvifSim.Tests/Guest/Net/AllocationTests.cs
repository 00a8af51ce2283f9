using XvifSim.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Guest.Net;

/// <summary>No allocation per frame (docs/design.md, "No allocation per frame"). Measured on this thread, after warm-up (JIT, tiering, the ARP hold buffer).</summary>
public class AllocationTests
{
    private const int Rounds = 1000;

    [Test]
    public void EchoRequestsAndRepliesBetweenTwoStacksAllocateNothing()
    {
        var wire = new Wire();
        var clock = new TestClock();
        (NetworkInterface a, NetworkInterface b) = wire.Cable("xennet0", MacA, "xvif1i0", MacB);
        var pinger = new IpStack(a, IpA, 24, clock.Read);
        _ = new IpStack(b, IpB, 24, clock.Read);
        Run(pinger, wire, clock, Rounds);

        long allocated = Allocation.Least(() => Run(pinger, wire, clock, Rounds), attempts: 2);

        Assert.That(allocated, Is.Zero);
        Assert.That(pinger.Counters.IcmpEchoRepliesReceived, Is.GreaterThanOrEqualTo(2 * Rounds));
    }

    [Test]
    public void UdpEchoThroughTheBridgeAllocatesNothing()
    {
        var wire = new Wire();
        var clock = new TestClock();
        var bridge = new Bridge("bridge0", new MacAddress(0xF20B_A400_0001), clock.Read, wire.Pool) { Local = { IsUp = true } };
        (NetworkInterface g1, NetworkInterface vif1) = wire.Cable("g1.xennet0", MacA, "xvif1i0", new MacAddress(0x00163E010001));
        (NetworkInterface g2, NetworkInterface vif2) = wire.Cable("g2.xennet0", MacB, "xvif2i0", new MacAddress(0x00163E010002));
        bridge.AddMember(vif1);
        bridge.AddMember(vif2);
        var client = new IpStack(g1, IpA, 24, clock.Read);
        var server = new IpStack(g2, IpB, 24, clock.Read);
        server.EnableUdpEcho();
        long echoed = 0;
        client.Bind(4000, (_, _, _, _) => echoed++);
        byte[] payload = new byte[512];
        for (int i = 0; i < Rounds; i++)
        {
            client.SendTo(IpB, IpStack.EchoPort, 4000, payload, checksumOffload: (i & 1) == 0);
            wire.Pump();
        }

        long allocated = Allocation.Least(
            () =>
            {
                for (int i = 0; i < Rounds; i++)
                {
                    client.SendTo(IpB, IpStack.EchoPort, 4000, payload, checksumOffload: (i & 1) == 0);
                    clock.Advance(1_000);
                    wire.Pump();
                }
            },
            attempts: 2);

        Assert.That(allocated, Is.Zero);
        Assert.That(echoed, Is.GreaterThanOrEqualTo(2 * Rounds));
    }

    private static void Run(IpStack pinger, Wire wire, TestClock clock, int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            pinger.Ping(IpB, 1, (ushort)i, 56);
            clock.Advance(1_000);
            wire.Pump();
        }
    }
}
