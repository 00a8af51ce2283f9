using System.Text.RegularExpressions;
using XvifSim.Backend;
using XvifSim.Guest;
using XvifSim.Public;
using XvifSim.Public.Netif;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A guest that sends malformed TX requests without end must not grow dom0's
/// memory: every one is answered and counted, the log lines it triggers are
/// rate-checked (at most <see cref="LogRateLimit.DefaultPerSecond"/> a second
/// on the virtual clock, then a suppressed count), dom0's console stays
/// bounded, and the neighbour's traffic keeps flowing.
/// </summary>
public class HostileFloodTests
{
    private const int Requests = 100_000;
    private const int Batch = 250;
    private const string FirstDiagnostic = "xvif1i0: packet with size 5 is too short";

    [Test]
    public void AHundredThousandMalformedRequestsAreCountedButTheirLogIsBounded()
    {
        using var bed = new HostileBed();
        ulong startNs = bed.H.Machine.Scheduler.NowNs;
        int linesBefore = bed.H.Dom0Log.Count;
        var tooShort = new NetifTxRequest[Batch];
        int errors = 0;
        for (int sent = 0; sent < Requests; sent += Batch)
        {
            for (int i = 0; i < Batch; i++)
            {
                // Judged too short before any grant is looked at: no page needed.
                tooShort[i] = new NetifTxRequest { Gref = HostileFrontend.UnknownGref, Id = (ushort)i, PacketSize = 5 };
            }

            bed.Hostile.Post(tooShort);
            errors += bed.Hostile.Take(Batch).Count(r => r.Status == NetifRsp.Error);
            if (sent % (Batch * 100) == 0)
            {
                // A virtual second passes now and then, so new windows open and report what was suppressed.
                bed.AssertHealthyPasses($"after {sent} malformed requests");
                bed.H.RunFor(TimeSpan.FromSeconds(1));
            }
        }

        bed.AssertHealthyPasses("after the flood");

        // One more, a second later: its window opens with the last suppressed count.
        bed.H.RunFor(TimeSpan.FromSeconds(1));
        bed.Hostile.Post(tooShort[0]);
        errors += bed.Hostile.Take(1).Count(r => r.Status == NetifRsp.Error);
        double seconds = (bed.H.Machine.Scheduler.NowNs - startNs) / 1e9;
        IReadOnlyList<string> log = bed.H.Dom0Log;
        int diagnostics = log.Count(l => l == FirstDiagnostic);
        XvifInstance vif = bed.H.On(bed.H.Dom0, () => bed.H.Driver.Instances.Single(i => i.Name == "xvif1i0"));
        long reported = log.Select(l => Regex.Match(l, @"^xvif1i0: (\d+) messages suppressed$"))
            .Where(m => m.Success).Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        long suppressed = bed.H.On(bed.H.Dom0, () => vif.LogSuppressed);

        // Each one-second window: at most DefaultPerSecond lines, plus one suppressed-count line.
        double bound = (Math.Ceiling(seconds) + 1) * (LogRateLimit.DefaultPerSecond + 1);
        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.EqualTo(Requests + 1), "every request answered NETIF_RSP_ERROR");
            Assert.That(bed.HostileVif.Counters.InErrors, Is.EqualTo(Requests + 1), "if_ierrors counts every one");
            Assert.That(bed.Hostile.TxPending, Is.Zero, "one response per request");
            Assert.That(log, Does.Contain(FirstDiagnostic), "the first occurrence keeps its text");
            Assert.That(log.Count - linesBefore, Is.LessThanOrEqualTo(bound), $"dom0's log over {seconds:F1} virtual seconds");
            Assert.That(diagnostics + suppressed, Is.EqualTo(Requests + 1), "every line is either written or counted as suppressed");
            Assert.That(reported, Is.EqualTo(suppressed), "each suppressed line reported in a count when its next window opened");
            Assert.That(log[^1], Is.EqualTo(FirstDiagnostic), "the new window's line follows its count");
            Assert.That(bed.H.Machine.Console.DroppedOf(DomId.Dom0), Is.Zero, "the rate check alone kept dom0's ring from filling");
            Assert.That(log.Count, Is.LessThanOrEqualTo(bed.H.Machine.Console.LinesPerDomain));
        });
    }
}
