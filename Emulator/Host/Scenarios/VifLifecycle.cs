using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// xl network-attach and network-detach on a running guest, with the waits
/// libxl does on its watches: the toolstack writes, the drivers answer, the
/// toolstack finishes. What each step saw goes to the output.
/// </summary>
internal static class VifLifecycle
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// network-attach: libxl writes both directories at state 1, waits for
    /// the backend to reach InitWait, then runs the hotplug script (the vif
    /// joins the bridge). The guest's xenbus sees device/vif/N appear and
    /// xennet attaches. False if the backend never got to InitWait or the
    /// script failed.
    /// </summary>
    public static bool Attach(SimulatedXen xen, GuestSystem guest, VifSpec vif, int handle, TextWriter output)
    {
        xen.Libxl.AddVif(guest.Kernel.DomId, vif, handle);
        return Hotplug(xen, guest, handle, output);
    }

    /// <summary>
    /// Waits for the backend's InitWait, then runs the hotplug script with 2.
    /// The guest is running, so its frontend may have answered and the
    /// backend gone on to Connected before the toolstack looks: that counts
    /// too (the script is still what puts the vif on the bridge).
    /// </summary>
    public static bool Hotplug(SimulatedXen xen, GuestSystem guest, int handle, TextWriter output)
    {
        string state = $"{Libxl.BackendPath(guest.Kernel.DomId, handle)}/state";
        if (!xen.Machine.Scheduler.RunUntil(() => xen.ReadKey(state) is "2" or "4", Limit))
        {
            output.WriteLine($"{guest.Name} vif {handle}: backend did not reach InitWait (state {xen.ReadKey(state) ?? "missing"})");
            return false;
        }

        HotplugResult result = xen.Libxl.RunHotplug(guest.Kernel.DomId, handle);
        output.WriteLine($"{guest.Name} vif {handle}: hotplug: {result.Message}");
        return result.Succeeded;
    }

    /// <summary>
    /// network-detach: libxl writes online 0 and state 5 in the backend
    /// directory. The frontend reads its backend's Closing and goes Closed;
    /// the backend reads the frontend's Closed and detaches (rings unmapped,
    /// the xvif out of the bridge and gone), then goes Closed; the frontend
    /// reads that and detaches (xennet gone). libxl waits for both ends to
    /// be done, then runs the script with 6 and removes the directories.
    /// False if an end did not finish within the limit.
    /// </summary>
    public static bool Detach(SimulatedXen xen, GuestSystem guest, int handle, string vifName, TextWriter output)
    {
        string xennet = $"xennet{handle}";
        string backState = $"{Libxl.BackendPath(guest.Kernel.DomId, handle)}/state";
        string frontState = $"{Libxl.FrontendPath(guest.Kernel.DomId, handle)}/state";
        xen.Libxl.RemoveVif(guest.Kernel.DomId, handle);
        bool closed = xen.Machine.Scheduler.RunUntil(
            () => xen.ReadKey(backState) == "6" && xen.ReadKey(frontState) == "6"
                && xen.Dom0.Kernel.Interfaces.Find(vifName) is null && guest.Kernel.Interfaces.Find(xennet) is null,
            Limit);
        output.WriteLine($"{guest.Name} vif {handle}: backend state {xen.ReadKey(backState)}, frontend state {xen.ReadKey(frontState)}, " +
            $"{vifName} {(xen.Dom0.Kernel.Interfaces.Find(vifName) is null ? "gone" : "still there")}, " +
            $"{xennet} {(guest.Kernel.Interfaces.Find(xennet) is null ? "gone" : "still there")}");
        HotplugResult result = xen.Libxl.FinishRemoveVif(guest.Kernel.DomId, handle);
        output.WriteLine($"{guest.Name} vif {handle}: hotplug: {result.Message}");
        return closed;
    }
}
