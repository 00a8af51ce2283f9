using XvifSim.Host.Soak;

namespace XvifSim.Tests.Faults;

/// <summary>
/// The soak program (issue 6, item 6) as a bounded smoke run: 8 guests for
/// 3 s of the deterministic scheduler, and 16 guests for 4 s of the threaded
/// one (17 vCPU threads, more than a small host has cores, with attaches,
/// detaches and suspends under traffic). The long form is
/// `./run-sim.sh soak --guests 64 --seconds 600`.
/// </summary>
public class SoakSmokeTests
{
    private static void Passes(SoakOptions options)
    {
        var output = new StringWriter();
        SoakReport report = SoakRun.Run(options, output);
        report.Write(output);
        TestContext.Out.WriteLine(output);
        Assert.Multiple(() =>
        {
            Assert.That(report.Failures, Is.Empty, output.ToString());
            Assert.That(report.Held, Is.Empty, "nothing held after xl destroy");
            Assert.That((report.Watches, report.Connections, report.Transactions), Is.EqualTo((0, 0, 0)), "xenstore back to dom0's own");
            Assert.That(report.Reconciled, Is.True, output.ToString());
            Assert.That(report.Received, Is.GreaterThan(0));
            Assert.That(report.Detaches + report.Suspends, Is.GreaterThan(0), "faults happened");
            Assert.That(report.Passed, Is.True);
        });
    }

    [Test]
    public void DeterministicSmokeRunLeavesNothingHeld() => Passes(new SoakOptions(Guests: 8, Seconds: 3, Threaded: false, Seed: 1));

    [Test]
    public void ThreadedSmokeRunLeavesNothingHeld() => Passes(new SoakOptions(Guests: 16, Seconds: 4, Threaded: true, Seed: 2));
}
