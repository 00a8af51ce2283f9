namespace XvifSim.Public.Grants;

/// <summary>Grant-table operation status codes, grant_table.h's GNTST_* (s16).</summary>
public enum GntSt : short
{
    /// <summary>GNTST_okay: normal return.</summary>
    Okay = 0,
    /// <summary>GNTST_general_error: general undefined error.</summary>
    GeneralError = -1,
    /// <summary>GNTST_bad_domain: unrecognised domain id.</summary>
    BadDomain = -2,
    /// <summary>GNTST_bad_gntref: unrecognised or inappropriate gntref.</summary>
    BadGntref = -3,
    /// <summary>GNTST_bad_handle: unrecognised or inappropriate handle.</summary>
    BadHandle = -4,
    /// <summary>GNTST_bad_virt_addr: inappropriate virtual address to map.</summary>
    BadVirtAddr = -5,
    /// <summary>GNTST_bad_dev_addr: inappropriate device address to unmap.</summary>
    BadDevAddr = -6,
    /// <summary>GNTST_no_device_space: out of space in I/O MMU (and, in Xen, out of maptrack handles).</summary>
    NoDeviceSpace = -7,
    /// <summary>GNTST_permission_denied: not enough privilege for operation.</summary>
    PermissionDenied = -8,
    /// <summary>GNTST_bad_page: specified page was invalid for op.</summary>
    BadPage = -9,
    /// <summary>GNTST_bad_copy_arg: copy arguments cross page boundary.</summary>
    BadCopyArg = -10,
    /// <summary>GNTST_address_too_big: transfer page address too large.</summary>
    AddressTooBig = -11,
    /// <summary>GNTST_eagain: operation not done; try again.</summary>
    Eagain = -12,
    /// <summary>GNTST_no_space: out of space (handles etc).</summary>
    NoSpace = -13,
}
