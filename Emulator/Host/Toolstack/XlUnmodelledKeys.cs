namespace XvifSim.Host.Toolstack;

/// <summary>
/// Keys of xl.cfg(5) and of a vif spec (xl-network-configuration(5)) that
/// xl knows and XvifSim does not model: a config written for real Xen may
/// carry them, and they are reported as "not modelled" (ignored), not as
/// unknown keys.
/// </summary>
internal static class XlUnmodelledKeys
{
    /// <summary>Domain keys of xl.cfg(5) other than name, memory and vif.</summary>
    public static readonly IReadOnlySet<string> Domain = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "builder", "uuid", "pool", "vcpus", "maxvcpus", "cpus", "cpus_soft", "cpu_weight", "cpu_cap",
        "maxmem", "vnuma", "kernel", "ramdisk", "cmdline", "extra", "root", "bootloader", "bootloader_args",
        "on_poweroff", "on_reboot", "on_watchdog", "on_crash", "on_soft_reset", "disk", "vtpm", "p9", "pvcalls",
        "vfb", "vkb", "vdispl", "vsnd", "channel", "pci", "usb", "usbctrl", "usbdev", "dtdev", "iomem", "ioports",
        "irqs", "seclabel", "init_seclabel", "driver_domain", "max_grant_frames", "max_maptrack_frames",
        "max_grant_version", "device_tree", "e820_host", "claim_mode", "tsc_mode", "localtime", "rtc_timeoffset",
        "serial", "vnc", "vnclisten", "vncdisplay", "vncpasswd", "vncunused", "sdl", "boot", "acpi", "apic",
        "hap", "hpet", "pae", "viridian", "nestedhvm", "shadow_memory", "stdvga", "videoram", "soundhw",
        "xen_platform_pci", "device_model_version", "device_model_override", "gfx_passthru", "passthrough",
        "cpuid", "timer_mode", "vm_generation_id", "altp2m", "nomigrate", "event_channels", "xenstore_domain",
    };

    /// <summary>vif spec keys other than mac, bridge, script, vifname and ip.</summary>
    public static readonly IReadOnlySet<string> Vif = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "model", "backend", "rate", "accel", "gatewaydev", "devid", "mtu", "trusted", "untrusted", "forwarddev",
    };
}
