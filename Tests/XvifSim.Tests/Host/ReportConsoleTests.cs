using XvifSim.Emulator;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;

namespace XvifSim.Tests.Host;

/// <summary>A run's report says how many lines a domain's full console ring dropped, before the lines it kept.</summary>
public class ReportConsoleTests
{
    [Test]
    public void AFullConsoleRingIsReportedWithItsDroppedCount()
    {
        using var xen = new SimulatedXen(new ScenarioOptions(), "report");
        int before = xen.Machine.Console.LinesOf(xen.Machine.Dom0.Id).Count;
        int extra = XenConsole.DefaultLinesPerDomain + 5 - before;
        for (int i = 0; i < extra; i++)
        {
            xen.Machine.Console.Write(xen.Machine.Dom0, $"flood {i}");
        }

        var report = new StringWriter();
        xen.Report(report);
        string[] lines = report.ToString().Split(Environment.NewLine);
        int header = Array.IndexOf(lines, "--- Domain-0 kernel log");
        Assert.Multiple(() =>
        {
            Assert.That(xen.Machine.Console.DroppedOf(xen.Machine.Dom0.Id), Is.EqualTo(5));
            Assert.That(header, Is.GreaterThanOrEqualTo(0), report.ToString());
            Assert.That(lines[header + 1], Is.EqualTo($"(5 earlier lines dropped: the console ring keeps the last {XenConsole.DefaultLinesPerDomain})"));
            Assert.That(lines[header + 2], Does.EndWith("] " + xen.Machine.Console.LinesOf(xen.Machine.Dom0.Id)[0]), "then the oldest line kept");
            Assert.That(xen.Machine.Console.LinesOf(xen.Machine.Dom0.Id), Has.Count.EqualTo(XenConsole.DefaultLinesPerDomain));
            Assert.That(lines.Count(l => l.Contains("] flood ", StringComparison.Ordinal)), Is.LessThanOrEqualTo(XenConsole.DefaultLinesPerDomain));
        });
    }
}
