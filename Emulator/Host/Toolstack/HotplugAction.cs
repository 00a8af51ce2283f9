namespace XvifSim.Host.Toolstack;

/// <summary>
/// The second argument libxl gives a hotplug script on NetBSD
/// (libxl_netbsd.c, libxl__hotplug): the XenbusState number
/// XenbusStateInitWait when a device is added, XenbusStateClosed when it
/// is removed.
/// </summary>
internal enum HotplugAction
{
    /// <summary>"2": bring the backend interface up and add it to its bridge.</summary>
    Add = 2,

    /// <summary>"6": the device is going away.</summary>
    Remove = 6,
}
