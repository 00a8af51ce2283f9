namespace XvifSim.Public.Grants;

/// <summary>Flags of GNTTABOP_map_grant_ref, grant_table.h's GNTMAP_*.</summary>
[Flags]
public enum GntMapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>GNTMAP_device_map: map for device access (dev_bus_addr).</summary>
    DeviceMap = 1 << 0,
    /// <summary>GNTMAP_host_map: map into the caller's address space at host_addr.</summary>
    HostMap = 1 << 1,
    /// <summary>GNTMAP_readonly: the mapping is read-only.</summary>
    Readonly = 1 << 2,
    /// <summary>GNTMAP_application_map: user-space mapping (PV only).</summary>
    ApplicationMap = 1 << 3,
    /// <summary>GNTMAP_contains_pte: host_addr is a PTE address (PV only).</summary>
    ContainsPte = 1 << 4,
}
