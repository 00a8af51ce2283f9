using System.Buffers.Binary;

namespace XvifSim.Public.Netif;

/// <summary>
/// io/netif.h's <c>netif_extra_info</c>, 8 bytes: type u8 @0, flags u8 @1
/// (XEN_NETIF_EXTRA_FLAG_MORE = 1), then the union <c>u</c> @2: gso {size u16
/// @2, type u8 @4, pad u8 @5, features u16 @6}, mcast {addr[6] @2}, or hash
/// {type u8 @2, algorithm u8 @3, value[4] @4, least significant byte first}.
/// The members are kept apart here and each written only for its own type.
/// </summary>
public struct NetifExtraInfo
{
    /// <summary>sizeof(struct netif_extra_info).</summary>
    public const int Size = 8;

    /// <summary>XEN_NETIF_EXTRA_FLAG_MORE.</summary>
    public const byte FlagMore = 1;

    /// <summary>Offset of the union <c>u</c>.</summary>
    public const int UnionOffset = 2;

    /// <summary>Offset of u.hash.value.</summary>
    public const int HashValueOffset = 4;

    /// <summary>netif_extra_info.type, XEN_NETIF_EXTRA_TYPE_*: which member of <c>u</c> the segment carries.</summary>
    public NetifExtraType Type;
    /// <summary>netif_extra_info.flags, XEN_NETIF_EXTRA_FLAG_*.</summary>
    public byte Flags;
    /// <summary>u.gso.size: the maximum segment size the packet is cut to.</summary>
    public ushort GsoSize;
    /// <summary>u.gso.type, one of XEN_NETIF_GSO_TYPE_*.</summary>
    public NetifGsoType GsoType;
    /// <summary>u.gso.features, XEN_NETIF_GSO_FEAT_* bits.</summary>
    public ushort GsoFeatures;

    /// <summary>u.hash.type, one of _XEN_NETIF_CTRL_HASH_TYPE_*.</summary>
    public NetifHashType HashType;

    /// <summary>u.hash.algorithm, one of XEN_NETIF_CTRL_HASH_ALGORITHM_*.</summary>
    public NetifHashAlgorithm HashAlgorithm;

    /// <summary>u.hash.value read as a little-endian u32 ("LSB ---- value ---- MSB").</summary>
    public uint HashValue;

    /// <summary>Reads one segment from its ring bytes: u.hash for a HASH segment, else u.gso (an MCAST segment's address is read by <see cref="McastAddress"/>).</summary>
    public static NetifExtraInfo Read(ReadOnlySpan<byte> entry)
    {
        var extra = new NetifExtraInfo { Type = (NetifExtraType)entry[0], Flags = entry[1] };
        if (extra.Type == NetifExtraType.Hash)
        {
            extra.HashType = (NetifHashType)entry[2];
            extra.HashAlgorithm = (NetifHashAlgorithm)entry[3];
            extra.HashValue = BinaryPrimitives.ReadUInt32LittleEndian(entry[HashValueOffset..]);
        }
        else
        {
            extra.GsoSize = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
            extra.GsoType = (NetifGsoType)entry[4];
            extra.GsoFeatures = BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]);
        }

        return extra;
    }

    /// <summary>The multicast address of an MCAST_ADD/MCAST_DEL segment.</summary>
    public static ReadOnlySpan<byte> McastAddress(ReadOnlySpan<byte> entry) => entry.Slice(2, 6);

    /// <summary>Writes this segment into its ring bytes: u.hash for a HASH segment, else u.gso with its pad byte zeroed.</summary>
    public readonly void Write(Span<byte> entry)
    {
        entry[0] = (byte)Type;
        entry[1] = Flags;
        if (Type == NetifExtraType.Hash)
        {
            entry[2] = (byte)HashType;
            entry[3] = (byte)HashAlgorithm;
            BinaryPrimitives.WriteUInt32LittleEndian(entry[HashValueOffset..], HashValue);
            return;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], GsoSize);
        entry[4] = (byte)GsoType;
        entry[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], GsoFeatures);
    }
}
