using XvifSim.Guest.Xenbus;
using XvifSim.Host;
using XvifSim.Public.Xenbus;

namespace XvifSim.Samples;

/// <summary>(c) A frontend with a bug: the test sees its exception, and the guest was crashed.</summary>
public class ThrowingDriverTests
{
    private sealed class BuggyFrontend : IXenbusDriver
    {
        public string DeviceType => "vif";

        public async Task<bool> AttachAsync(XenbusDevice device)
        {
            XsResult<string> mac = await device.Store.ReadAsync($"{device.NodeName}/mac");
            throw new FormatException($"cannot parse mac {mac.Value}");
        }

        public Task OtherEndChangedAsync(XenbusDevice device, XenbusState state) => Task.CompletedTask;

        public Task DetachAsync(XenbusDevice device) => Task.CompletedTask;
    }

    [Test]
    public void TheDriversExceptionFailsTheWaitAndCrashesItsDomain()
    {
        using XenHost host = XenHost.Start();
        XenDomain guest = host.CreateGuest(
            "name = 'buggy'\nvif = [ 'mac=00:16:3e:00:01:01' ]",
            new GuestOptions { Frontend = VifDriver.Custom("buggy", (_, _) => new BuggyFrontend()) });

        DomainCrashedException crash = Assert.Throws<DomainCrashedException>(() => host.WaitConnected(guest))!;

        Assert.That(crash.InnerException, Is.InstanceOf<FormatException>());
        Assert.That(crash.InnerException!.StackTrace, Does.Contain(nameof(BuggyFrontend.AttachAsync)));
        Assert.That(guest.IsCrashed, Is.True);
        Assert.That(guest.KernelLog, Has.Some.StartsWith("domain_crash: FormatException: cannot parse mac 00:16:3e:00:01:01"));
        host.AssertNothingHeldAfterDestroy();
    }
}
