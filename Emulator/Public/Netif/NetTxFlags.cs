namespace XvifSim.Public.Netif;

/// <summary>Flags of a TX request, netif.h's NETTXF_*.</summary>
[Flags]
public enum NetTxFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>NETTXF_csum_blank: the protocol checksum field is blank (offloaded to the backend).</summary>
    CsumBlank = 1 << 0,
    /// <summary>NETTXF_data_validated: the packet's checksum is known good.</summary>
    DataValidated = 1 << 1,
    /// <summary>NETTXF_more_data: the packet continues in the next request.</summary>
    MoreData = 1 << 2,
    /// <summary>NETTXF_extra_info: an extra-info segment follows this request.</summary>
    ExtraInfo = 1 << 3,
}
