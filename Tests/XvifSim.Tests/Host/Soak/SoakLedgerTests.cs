using XvifSim.Guest.Net;
using XvifSim.Host.Soak;
using XvifSim.Tests.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Host.Soak;

/// <summary>
/// The soak's drop ledger with bridge0 flooding to ports that refuse: a
/// broadcast (an ARP request) is one frame sent and a copy for every port,
/// so the copies a full or stopped port refuses are shown beside the drops,
/// not among them (with 200 guests they outnumbered the datagrams a
/// hundredfold and the 200-guest soak could not reconcile); a unicast frame
/// a port refuses is a drop.
/// </summary>
public class SoakLedgerTests
{
    private const string UnicastDrops = "xvif OutDrops+OutErrors of unicast (RX queue full, not running)";

    [Test]
    public void RefusedBroadcastCopiesAreNotDropsAndARefusedUnicastIs()
    {
        var wire = new Wire();
        var clock = new TestClock();
        var bridge = new Bridge("bridge0", new MacAddress(0xF20B_A400_0001), clock.Read, wire.Pool);
        bridge.Local.IsUp = true;
        var ledger = new SoakLedger();
        MacAddress[] macs = [MacA, MacB, MacC];
        var guests = new NetworkInterface[3];
        var vifs = new NetworkInterface[3];
        for (int i = 0; i < 3; i++)
        {
            (guests[i], vifs[i]) = wire.Cable($"g{i + 1}.xennet0", macs[i], $"xvif{i + 1}i0", new MacAddress(macs[i].Value + 0x1_000000));
            bridge.AddMember(vifs[i]);
            ledger.Add(vifs[i]);
        }

        // guest2 is learned on its port; then xvif2 and xvif3 stop, as a full RX queue would refuse.
        guests[1].Send(Udp(MacB, MacA, IpB, IpA, 1, 9, [1]));
        wire.Pump();
        vifs[1].IsRunning = false;
        vifs[2].IsRunning = false;

        guests[0].Send(Udp(MacA, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));
        guests[0].Send(Udp(MacA, MacB, IpA, IpB, 1, 9, [2]));
        wire.Pump();

        SortedDictionary<string, long> drops = ledger.Drops(bridge);
        Assert.Multiple(() =>
        {
            Assert.That(vifs[1].Counters.OutDrops + vifs[2].Counters.OutDrops, Is.EqualTo(3), "the ports counted every refused frame");
            Assert.That(bridge.BroadcastCopiesRefused, Is.EqualTo(2), "the broadcast's copy to each stopped port");
            Assert.That(drops[UnicastDrops], Is.EqualTo(1), "only the unicast datagram is a drop");
            Assert.That(drops.Values.Sum(), Is.EqualTo(1));
        });
    }
}
