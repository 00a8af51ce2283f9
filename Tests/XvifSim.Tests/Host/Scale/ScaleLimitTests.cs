using System.CommandLine;
using XvifSim.Cli;
using XvifSim.Guest.Net;
using XvifSim.Host.Toolstack;

namespace XvifSim.Tests.Host.Scale;

/// <summary>
/// `soak` and `up` take 1,000 guests (issue 15, item 4) and refuse what does
/// not fit: checked at the parser and the planner, without booting 1,000
/// guests in the suite (GuestFleetTests boots 300; the bench boots 1,000).
/// </summary>
public class ScaleLimitTests
{
    [Test]
    public void SoakAcceptsAThousandGuestsAndRefusesOneMore()
    {
        ParseResult parsed = XvifSimCommand.Create().Parse(["soak", "--guests", "1000", "--deterministic"]);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Errors, Is.Empty);
            Assert.That(SoakCommand.Check(1000, 60), Is.Null);
            Assert.That(SoakCommand.Check(1001, 60), Is.EqualTo("--guests must be 1 to 1000 and --seconds above 0 and at most 86400"));
        });
    }

    [Test]
    public void SoakOfOneMoreThanAThousandIsABadInput()
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("soak", "--guests", "1001");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain("--guests must be 1 to 1000"));
            Assert.That(output, Is.Empty, "nothing booted");
        });
    }

    [Test]
    public void UpPlansAThousandGuestsOnBridge0FromTenZeroZeroTwo()
    {
        var errors = new List<XlConfigDiagnostic>();
        List<PlannedGuest> guests = GuestPlanner.Plan(Configs(1000), errors);
        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(guests, Has.Count.EqualTo(1000));
            Assert.That(guests[0].Address, Is.EqualTo(IPv4Address.Parse("10.0.0.2")), "the first guest where a /24 put it");
            Assert.That(guests[253].Address, Is.EqualTo(IPv4Address.Parse("10.0.0.255")), "a host address in a /22");
            Assert.That(guests[999].Address, Is.EqualTo(IPv4Address.Parse("10.0.3.233")));
            Assert.That(guests.Select(g => g.Address).Distinct().Count(), Is.EqualTo(1000));
        });
    }

    [Test]
    public void UpRefusesTheGuestForWhichBridge0HasNoAddressLeft()
    {
        // 10.0.0.0/22 holds 1,022 host addresses: dom0's 10.0.0.1 and 1,021 guests.
        var errors = new List<XlConfigDiagnostic>();
        List<PlannedGuest> guests = GuestPlanner.Plan(Configs(1022), errors);
        Assert.Multiple(() =>
        {
            Assert.That(guests, Has.Count.EqualTo(1021));
            Assert.That(guests[^1].Address, Is.EqualTo(IPv4Address.Parse("10.0.3.254")));
            Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[] { "g1022.cfg:2: vif 0: no address left for g1022 in 10.0.0.0/22" }));
        });
    }

    [Test]
    public void UpTakesAThousandConfigFilesAndRefusesOnlyTheOneBadOne()
    {
        // One bad file among 1,000 good ones: the one error is reported and nothing boots, so the suite never starts 1,000 guests.
        string dir = Directory.CreateTempSubdirectory("xvifsim-up1000-").FullName;
        try
        {
            var files = new List<string>();
            for (int i = 1; i <= 1000; i++)
            {
                string path = Path.Combine(dir, $"g{i}.cfg");
                File.WriteAllText(path, $"name = 'g{i}'\nvif = [ 'bridge=bridge0' ]\n");
                files.Add(path);
            }

            string bad = Path.Combine(dir, "bad.cfg");
            File.WriteAllText(bad, "name = 'g1'\n");
            (int exit, string output, string error) = XvifSimCli.Invoke(["up", .. files, bad, "--out", Path.Combine(dir, "captures")]);
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(2));
                Assert.That(error, Does.Contain($"{bad}:1: name 'g1' is already used by {files[0]}:1"));
                Assert.That(error, Does.Contain("xvifsim up: 1 error in the guest configurations; nothing was started"));
                Assert.That(output, Is.Empty, "nothing booted");
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<(string File, XlConfigResult Parsed)> Configs(int count)
    {
        var random = new Random(1);
        return [.. Enumerable.Range(1, count).Select(i => ($"g{i}.cfg", XlConfigParser.Parse($"g{i}.cfg", $"name = 'g{i}'\nvif = [ 'bridge=bridge0' ]\n", random)))];
    }
}
