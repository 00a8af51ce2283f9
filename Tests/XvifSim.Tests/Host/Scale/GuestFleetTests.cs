using XvifSim.Host.Scale;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;

namespace XvifSim.Tests.Host.Scale;

/// <summary>
/// Issue 15's scale run at a count the suite can afford: 300 guests on one
/// bridge under the deterministic scheduler, each connected on both ends
/// and answered by dom0, with nothing held once they are destroyed. The
/// bench runs the same code with 1,000 (SimulatedXen.MaxGuests).
/// </summary>
public class GuestFleetTests
{
    private const int Guests = 300;

    [Test]
    public void ThreeHundredGuestsConnectEachPingsDom0AndNothingIsHeldAfterDestroy()
    {
        using var xen = new SimulatedXen(new ScenarioOptions(Seed: 1), "fleet");
        FleetResult result = GuestFleet.Run(xen, Guests, TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.Connected, Is.EqualTo(Guests), "connected on both ends");
            Assert.That(result.Answered, Is.EqualTo(Guests), "echoes to dom0 answered");
            Assert.That(result.Held, Is.Empty, "held after xl destroy");
            Assert.That(result.BridgeLearnFailures, Is.Zero, "bridge0 learnt every guest's MAC");
            Assert.That(result.BridgeAddresses, Is.EqualTo(Guests), "every guest's MAC");
            Assert.That(result.Passed, Is.True);
        });
    }
}
