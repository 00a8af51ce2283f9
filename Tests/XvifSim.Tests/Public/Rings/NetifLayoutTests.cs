using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Tests.Public.Rings;

/// <summary>Golden bytes of io/netif.h's structures and io/ring.h's geometry.</summary>
public class NetifLayoutTests
{
    [Test]
    public void TxRequestIsTwelveLittleEndianBytes()
    {
        var request = new NetifTxRequest
        {
            Gref = new GrantRef(0x04030201), Offset = 0x0605, Flags = NetTxFlags.MoreData | NetTxFlags.CsumBlank, Id = 0x0A09, PacketSize = 0x0C0B,
        };
        byte[] bytes = new byte[NetifTxRequest.Size];
        request.Write(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6, 0x05, 0x00, 9, 10, 11, 12 }));
            Assert.That(NetifTxRequest.Read(bytes), Is.EqualTo(request));
        });
    }

    [Test]
    public void TxResponseIsIdThenSignedStatus()
    {
        byte[] bytes = new byte[NetifTxResponse.Size];
        new NetifTxResponse { Id = 0x0102, Status = NetifRsp.Dropped }.Write(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[] { 0x02, 0x01, 0xFE, 0xFF }));
    }

    [Test]
    public void RxRequestHasPaddingBeforeTheGref()
    {
        byte[] bytes = Enumerable.Repeat((byte)0xEE, NetifRxRequest.Size).ToArray();
        new NetifRxRequest { Id = 0x0201, Gref = new GrantRef(0x08070605) }.Write(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[] { 1, 2, 0, 0, 5, 6, 7, 8 }));
    }

    [Test]
    public void RxResponseCarriesOffsetFlagsAndStatus()
    {
        var response = new NetifRxResponse { Id = 7, Offset = 0x10, Flags = NetRxFlags.MoreData | NetRxFlags.DataValidated, Status = 1500 };
        byte[] bytes = new byte[NetifRxResponse.Size];
        response.Write(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.EqualTo(new byte[] { 7, 0, 0x10, 0, 0x05, 0, 0xDC, 0x05 }));
            Assert.That(NetifRxResponse.Read(bytes), Is.EqualTo(response));
        });
    }

    [Test]
    public void ExtraInfoGsoLayout()
    {
        byte[] bytes = new byte[NetifExtraInfo.Size];
        new NetifExtraInfo { Type = NetifExtraType.Gso, Flags = NetifExtraInfo.FlagMore, GsoSize = 1448, GsoType = NetifGsoType.TcpV4 }.Write(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[] { 1, 1, 0xA8, 0x05, 1, 0, 0, 0 }));
    }

    [Test]
    public void ExtraInfoHashLayout()
    {
        var hash = new NetifExtraInfo
        {
            Type = NetifExtraType.Hash, HashType = NetifHashType.IPv4Tcp, HashAlgorithm = NetifHashAlgorithm.Toeplitz, HashValue = 0x44332211,
        };
        byte[] bytes = new byte[NetifExtraInfo.Size];
        hash.Write(bytes);
        Assert.Multiple(() =>
        {
            // netif.h: |type |flags|htype| alg |LSB ---- value ---- MSB|
            Assert.That(bytes, Is.EqualTo(new byte[] { 4, 0, 1, 1, 0x11, 0x22, 0x33, 0x44 }));
            Assert.That(NetifExtraInfo.Read(bytes), Is.EqualTo(hash));
        });
    }

    [Test]
    public void FlagAndStatusNumbersAreNetifHs()
    {
        Assert.Multiple(() =>
        {
            Assert.That((ushort)NetTxFlags.CsumBlank, Is.EqualTo(1));
            Assert.That((ushort)NetTxFlags.DataValidated, Is.EqualTo(2));
            Assert.That((ushort)NetTxFlags.MoreData, Is.EqualTo(4));
            Assert.That((ushort)NetTxFlags.ExtraInfo, Is.EqualTo(8));
            Assert.That((ushort)NetRxFlags.DataValidated, Is.EqualTo(1));
            Assert.That((ushort)NetRxFlags.CsumBlank, Is.EqualTo(2));
            Assert.That((ushort)NetRxFlags.MoreData, Is.EqualTo(4));
            Assert.That((ushort)NetRxFlags.ExtraInfo, Is.EqualTo(8));
            Assert.That((ushort)NetRxFlags.GsoPrefix, Is.EqualTo(16));
            Assert.That((short)NetifRsp.Dropped, Is.EqualTo(-2));
            Assert.That((short)NetifRsp.Error, Is.EqualTo(-1));
            Assert.That((short)NetifRsp.Okay, Is.Zero);
            Assert.That((short)NetifRsp.Null, Is.EqualTo(1));
            Assert.That(Netif.NrSlotsMin, Is.EqualTo(18));
            Assert.That(Netif.MaxTxSize, Is.EqualTo(0xFFFF));
        });
    }

    [Test]
    public void RingSizesAreThePowersOfTwoThatFit()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Netif.TxRingSize, Is.EqualTo(256u), "(4096 - 64) / 12 = 336, rounded down");
            Assert.That(Netif.RxRingSize, Is.EqualTo(256u), "(4096 - 64) / 8 = 504, rounded down");
            Assert.That(SharedRing.Size(64), Is.EqualTo(32u), "(4096 - 64) / 64 = 63");
            Assert.That(SharedRing.EntryOffset(new RingIndex(257), 256, 12), Is.EqualTo(64 + 12));
        });
    }

    [Test]
    public void SharedRingInitSetsBothEventIndicesToOne()
    {
        byte[] page = Enumerable.Repeat((byte)0xFF, XenPage.Size).ToArray();
        SharedRing.Init(page);
        Assert.That(page[..16], Is.EqualTo(new byte[] { 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }));
    }
}
