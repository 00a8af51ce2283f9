using System.Buffers.Binary;

namespace XvifSim.Public.Netif;

/// <summary>Extra-info segment types, netif.h's XEN_NETIF_EXTRA_TYPE_*.</summary>
public enum NetifExtraType : byte
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>XEN_NETIF_EXTRA_TYPE_GSO.</summary>
    Gso = 1,
    /// <summary>XEN_NETIF_EXTRA_TYPE_MCAST_ADD.</summary>
    McastAdd = 2,
    /// <summary>XEN_NETIF_EXTRA_TYPE_MCAST_DEL.</summary>
    McastDel = 3,
    /// <summary>XEN_NETIF_EXTRA_TYPE_MAX: types from here up are invalid.</summary>
    Max = 4,
}

/// <summary>GSO types, netif.h's XEN_NETIF_GSO_TYPE_*.</summary>
public enum NetifGsoType : byte
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>XEN_NETIF_GSO_TYPE_TCPV4.</summary>
    TcpV4 = 1,
    /// <summary>XEN_NETIF_GSO_TYPE_TCPV6.</summary>
    TcpV6 = 2,
}

/// <summary>
/// netif.h's <c>netif_extra_info</c>, 8 bytes: type u8 @0, flags u8 @1
/// (XEN_NETIF_EXTRA_FLAG_MORE = 1), then a union: gso {size u16 @2, type u8 @4,
/// pad u8 @5, features u16 @6} or mcast {addr[6] @2}.
/// </summary>
public struct NetifExtraInfo
{
    /// <summary>Size in bytes, as xen/include/public/io/netif.h lays it out.</summary>
    public const int Size = 8;
    /// <summary>XEN_NETIF_EXTRA_FLAG_MORE: another extra-info segment follows.</summary>
    public const byte FlagMore = 1;

    /// <summary>The extra-info type.</summary>
    public NetifExtraType Type;
    /// <summary>XEN_NETIF_EXTRA_FLAG_*.</summary>
    public byte Flags;
    /// <summary>u.gso.size: the MSS.</summary>
    public ushort GsoSize;
    /// <summary>u.gso.type.</summary>
    public NetifGsoType GsoType;
    /// <summary>u.gso.features.</summary>
    public ushort GsoFeatures;

    /// <summary>Reads one entry from <paramref name="entry"/> (each field once).</summary>
    public static NetifExtraInfo Read(ReadOnlySpan<byte> entry) => new()
    {
        Type = (NetifExtraType)entry[0],
        Flags = entry[1],
        GsoSize = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]),
        GsoType = (NetifGsoType)entry[4],
        GsoFeatures = BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]),
    };

    /// <summary>The multicast address of an MCAST_ADD/MCAST_DEL segment.</summary>
    public static ReadOnlySpan<byte> McastAddress(ReadOnlySpan<byte> entry) => entry.Slice(2, 6);

    /// <summary>Writes this entry into <paramref name="entry"/>.</summary>
    public readonly void Write(Span<byte> entry)
    {
        entry[0] = (byte)Type;
        entry[1] = Flags;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], GsoSize);
        entry[4] = (byte)GsoType;
        entry[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], GsoFeatures);
    }
}
