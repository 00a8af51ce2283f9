using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;

namespace XvifSim.Tests.Core;

/// <summary>Each domain's console is a bounded ring, as Xen's conring: the newest lines kept, the overwritten ones counted.</summary>
public class XenConsoleTests
{
    [Test]
    public void AFullRingOverwritesItsOldestLinesAndCountsThem()
    {
        using var machine = new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false, ConsoleLinesPerDomain = 3 });
        Domain guest = machine.CreateDomain(new DomainConfig("guest1"));
        for (int i = 0; i < 10; i++)
        {
            machine.Console.Write(guest, $"line {i}");
        }

        machine.Console.Write(machine.Dom0, "dom0 line");
        Assert.Multiple(() =>
        {
            Assert.That(machine.Console.LinesOf(guest.Id), Is.EqualTo(new[] { "line 7", "line 8", "line 9" }));
            Assert.That(machine.Console.DroppedOf(guest.Id), Is.EqualTo(7));
            Assert.That(machine.Console.DroppedOf(machine.Dom0.Id), Is.Zero, "one domain's flood costs another nothing");
            Assert.That(machine.Console.LinesOf(machine.Dom0.Id), Is.EqualTo(new[] { "dom0 line" }));
            Assert.That(machine.Console.Written, Is.EqualTo(11));
        });
    }

    [Test]
    public void LinesOfEveryDomainKeepTheOrderTheyWereWrittenIn()
    {
        using var machine = new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false, ConsoleLinesPerDomain = 2 });
        Domain guest = machine.CreateDomain(new DomainConfig("guest1"));
        machine.Console.Write(guest, "g0");
        machine.Console.Write(machine.Dom0, "d0");
        machine.Console.Write(guest, "g1");
        machine.Console.Write(guest, "g2");
        machine.Console.Write(machine.Dom0, "d1");
        Assert.That(machine.Console.Lines.Select(l => l.Text), Is.EqualTo(new[] { "d0", "g1", "g2", "d1" }));
    }

    [Test]
    public void ARingOfNoLinesIsHostMisuse() =>
        Assert.That(() => new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false, ConsoleLinesPerDomain = 0 }),
            Throws.TypeOf<ArgumentOutOfRangeException>());
}
