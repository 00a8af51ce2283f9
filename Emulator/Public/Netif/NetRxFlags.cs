namespace XvifSim.Public.Netif;

/// <summary>Flags of an RX response, netif.h's NETRXF_*.</summary>
[Flags]
public enum NetRxFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>NETRXF_data_validated: the packet's checksum is known good.</summary>
    DataValidated = 1 << 0,
    /// <summary>NETRXF_csum_blank: the protocol checksum field is blank.</summary>
    CsumBlank = 1 << 1,
    /// <summary>NETRXF_more_data: the packet continues in the next response.</summary>
    MoreData = 1 << 2,
    /// <summary>NETRXF_extra_info: an extra-info segment follows.</summary>
    ExtraInfo = 1 << 3,
    /// <summary>NETRXF_gso_prefix: GSO prefix descriptor.</summary>
    GsoPrefix = 1 << 4,
}
