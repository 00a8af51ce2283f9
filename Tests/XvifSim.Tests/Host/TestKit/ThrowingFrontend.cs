using XvifSim.Guest.Xenbus;
using XvifSim.Public.Xenbus;

namespace XvifSim.Tests.Host.TestKit;

/// <summary>A user's frontend that fails: its AttachAsync throws, at once or after an await (an async continuation on the vCPU).</summary>
internal sealed class ThrowingFrontend(bool afterAwait) : IXenbusDriver
{
    public string DeviceType => "vif";

    public async Task<bool> AttachAsync(XenbusDevice device)
    {
        if (afterAwait)
        {
            // A real round trip to the store: the rest runs in a continuation posted back to the vCPU.
            await device.Store.ReadAsync($"{device.OtherEndPath}/state");
            FailInContinuation();
        }

        FailAtOnce();
        return true;
    }

    public Task OtherEndChangedAsync(XenbusDevice device, XenbusState state) => Task.CompletedTask;

    public Task DetachAsync(XenbusDevice device) => Task.CompletedTask;

    private static void FailAtOnce() => throw new DriverBugException("frontend attach failed");

    private static void FailInContinuation() => throw new DriverBugException("frontend attach failed after an await");
}

/// <summary>The exception type a user's driver throws, so tests can tell it from the host's own.</summary>
internal sealed class DriverBugException(string message) : Exception(message);
