using Moq;
using XvifSim.Emulator;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;

namespace XvifSim.Tests.Guest;

/// <summary>
/// ppsratecheck(9) on the vCPU's clock: at most N lines a one-second window,
/// then one "N messages suppressed" line when a window opens again; a
/// suppressed line allocates nothing.
/// </summary>
public class LogRateLimitTests
{
    private readonly List<string> _console = [];
    private ulong _nowNs = 5_000_000_000;

    private LogRateLimit Make(int perSecond)
    {
        var guest = new FakeGuest();
        guest.Vcpu.SetupGet(v => v.SystemTimeNs).Returns(() => _nowNs);
        guest.Hypercalls.Setup(h => h.ConsoleWrite(It.IsAny<string>())).Callback((string line) => _console.Add(line));
        return new LogRateLimit(new GuestKernel(guest.Hypercalls.Object, "dom0"), "xvif1i0", perSecond);
    }

    private static int Burst(LogRateLimit limit, int count)
    {
        int allowed = 0;
        for (int i = 0; i < count; i++)
        {
            allowed += limit.Allow() ? 1 : 0;
        }

        return allowed;
    }

    [Test]
    public void AtMostNAWindowThenTheSuppressedCountWhenTheNextOpens()
    {
        LogRateLimit limit = Make(perSecond: 3);
        Assert.That(Burst(limit, 10), Is.EqualTo(3), "three in the first window");
        _nowNs += 999_999_999;
        Assert.That(limit.Allow(), Is.False, "the window lasts a full second");
        Assert.That(_console, Is.Empty, "nothing reported while still suppressing");

        _nowNs += 1;
        Assert.That(Burst(limit, 5), Is.EqualTo(3), "a new window after one second");
        Assert.Multiple(() =>
        {
            Assert.That(_console, Is.EqualTo(new[] { "xvif1i0: 8 messages suppressed" }), "reported once, as the window opens");
            Assert.That(limit.Allowed, Is.EqualTo(6));
            Assert.That(limit.Suppressed, Is.EqualTo(10));
        });

        _nowNs += 5_000_000_000;
        Assert.That(limit.Allow(), Is.True);
        Assert.That(_console, Is.EqualTo(new[] { "xvif1i0: 8 messages suppressed", "xvif1i0: 2 messages suppressed" }));
        _nowNs += 1_000_000_000;
        Assert.That(limit.Allow(), Is.True);
        Assert.That(_console, Has.Count.EqualTo(2), "no report when nothing was suppressed");
    }

    [Test]
    public void ASuppressedLineAllocatesNothing()
    {
        // A real vCPU clock: a mock's interception allocates on every call.
        using var machine = new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false });
        var limit = new LogRateLimit(new GuestKernel(machine.Dom0.Hypercalls, "dom0"), "xvif1i0", perSecond: 1);
        limit.Allow();
        Assert.That(Allocation.Least(() => Burst(limit, 1000)), Is.Zero);
        Assert.That(limit.Suppressed, Is.GreaterThanOrEqualTo(1000));
    }

    [Test]
    public void ARateUnderOneIsHostMisuse() =>
        Assert.That(() => Make(perSecond: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
}
