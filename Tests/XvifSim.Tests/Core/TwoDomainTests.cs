using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.Core;

/// <summary>
/// Dom1 grants a page, dom0 maps it, writes through the mapping, copies into
/// and out of it, and events flow both ways; then teardown leaves nothing
/// held. The core demo is exactly that exchange, so it runs here under both
/// schedulers and its kernel logs are checked.
/// </summary>
public class TwoDomainTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void GrantMapCopyAndEventsBothWays(bool threaded)
    {
        var output = new StringWriter();
        ScenarioResult result = new CoreDemoScenario().Run(new ScenarioOptions(Seed: 3, Threaded: threaded), output);
        string log = output.ToString();

        Assert.Multiple(() =>
        {
            Assert.That(result.Failures, Is.Empty, log);
            Assert.That(log, Does.Contain($"\"{CoreDemo.GuestMessage}\""), "dom0 read the guest's bytes through the mapping");
            Assert.That(log, Does.Contain("grant copy into gref 8: Okay; out of it: Okay"));
            Assert.That(log, Does.Contain($"\"{CoreDemo.MappedReply}\" and \"{CoreDemo.CopiedReply}\""));
            Assert.That(log, Does.Contain("end of access to gref 8 while mapped: refused (flags PermitAccess, Reading, Writing)"));
            Assert.That(log, Does.Contain("was Unbound after dom0 closed, closed: Ok"));
            Assert.That(log, Does.Match("events delivered: dom0 [12], guest1 1"), "dom0 may also see bind_interdomain's spurious event");
            Assert.That(log, Does.Contain("outstanding: nothing"));
        });
    }

    [Test]
    public void ASpuriousEventBeforeTheAnswerIsIgnored()
    {
        // With seed 5 dom0's upcall runs on the pending bit bind_interdomain
        // sets, before the guest has answered.
        var output = new StringWriter();
        ScenarioResult result = new CoreDemoScenario().Run(new ScenarioOptions(Seed: 5), output);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failures, Is.Empty, output.ToString());
            Assert.That(output.ToString(), Does.Contain("before d1 answered: spurious, ignored"));
        });
    }

    [Test]
    public void TheSameSeedGivesTheSameRunToTheNanosecond()
    {
        string Run(int seed)
        {
            var output = new StringWriter();
            new CoreDemoScenario().Run(new ScenarioOptions(Seed: seed), output);
            return output.ToString();
        }

        string first = Run(42);
        string second = Run(42);
        Assert.That(second, Is.EqualTo(first));
    }
}
