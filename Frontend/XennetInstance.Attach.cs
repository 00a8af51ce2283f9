using System.Globalization;
using System.Text;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;

namespace XvifSim.Frontend;

/// <summary>Attach (NetBSD xennet_xenbus_attach; docs/reference/netbsd-xvif-xennet.md, "xennet: attach"): features, MAC, memory, interface, then ring set-up.</summary>
public sealed partial class XennetInstance
{
    /// <summary>
    /// Attaches to the device at state Initialising. False (nothing kept, the
    /// bus retries on the next change) if the MAC is missing or bad, memory
    /// runs out, or the interface name is taken. A failed ring set-up still
    /// returns true: the device is in error (dev_fatal switched it to
    /// Closing), as NetBSD leaves it.
    /// </summary>
    internal async Task<bool> AttachAsync()
    {
        _kernel.Log($"{Name} at xenbus0 id {Unit}: Xen Virtual Network Interface");

        // Read now, as NetBSD does; a backend that has not written its
        // features yet counts as offering none until the connect, which reads
        // them again (Linux's xennet_connect; see TalkToBackendAsync).
        BackendFeatures = await ReadBackendFeaturesAsync();
        _kernel.Log($"{Name}: backend features {FormatFeatures(BackendFeatures)}");

        XsResult<string> macText = await _device.Store.ReadAsync($"{_device.NodeName}/mac");
        if (!macText.IsOk)
        {
            _kernel.Log($"{Name}: can't read mac address, err {(int)macText.Error}");
            return false;
        }

        // NetBSD parses with strtoul per octet and accepts junk between them;
        // this is the strict xx:xx:xx:xx:xx:xx parser both drivers share here.
        if (!MacAddress.TryParse(macText.Value!, out MacAddress mac))
        {
            _kernel.Log($"{Name}: {macText.Value} is not a valid mac address");
            return false;
        }

        _kernel.Log($"{Name}: MAC address {mac}");

        if (!AllocatePages())
        {
            _kernel.Log($"{Name}: failed to allocate rx memory");
            return false;
        }

        var iface = new NetworkInterface(Name, mac, this, _kernel.Packets);
        if (!_kernel.Interfaces.Attach(iface))
        {
            _kernel.Log($"{Name}: an interface of that name is already attached");
            Detach(); // nothing is granted yet: this frees the pages
            return false;
        }

        Interface = iface;
        await SetUpRingsAsync();
        return true;
    }

    /// <summary>feature-rx-copy, feature-ipv6-csum-offload, feature-sg: each counts only if it reads exactly 1.</summary>
    private async Task<XennetFeatures> ReadBackendFeaturesAsync()
    {
        XennetFeatures features = XennetFeatures.None;
        if (await OffersAsync("feature-rx-copy"))
        {
            features |= XennetFeatures.RxCopy;
        }

        if (await OffersAsync("feature-ipv6-csum-offload"))
        {
            features |= XennetFeatures.Ipv6CsumOffload;
        }

        if (await OffersAsync("feature-sg"))
        {
            features |= XennetFeatures.ScatterGather;
        }

        return features;
    }

    private async Task<bool> OffersAsync(string key)
    {
        XsResult<ulong> value = await _device.ReadOtherEndULongAsync(key);
        return value.IsOk && value.Value == 1;
    }

    /// <summary>NetBSD's snprintb with "\20\1IPV6-CSUM\2SG\3RX-COPY": "0x7&lt;IPV6-CSUM,SG,RX-COPY&gt;", or "0x0".</summary>
    internal static string FormatFeatures(XennetFeatures features)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"0x{(int)features:x}");
        if (features == XennetFeatures.None)
        {
            return text.ToString();
        }

        string separator = "<";
        foreach ((XennetFeatures bit, string name) in (ReadOnlySpan<(XennetFeatures, string)>)
            [(XennetFeatures.Ipv6CsumOffload, "IPV6-CSUM"), (XennetFeatures.ScatterGather, "SG"), (XennetFeatures.RxCopy, "RX-COPY")])
        {
            if ((features & bit) != 0)
            {
                text.Append(separator).Append(name);
                separator = ",";
            }
        }

        return text.Append('>').ToString();
    }

    /// <summary>
    /// The two ring pages, from the page allocator, and one page per RX
    /// request id, from the domain's packet pool (a received page goes up the
    /// stack as a packet buffer and a fresh one from the pool replaces it),
    /// so the ring paths never allocate (NetBSD allocates its rings and RX
    /// pool at attach the same way). TX requests need no pages of their own:
    /// they grant the frames' buffers. False, with nothing kept, when guest
    /// RAM or the pool runs out.
    /// </summary>
    private bool AllocatePages()
    {
        if (!_kernel.Pages.TryAllocate(out Gfn txRing))
        {
            return false;
        }

        if (!_kernel.Pages.TryAllocate(out Gfn rxRing))
        {
            _kernel.Pages.Free(txRing);
            return false;
        }

        for (int i = 0; i < RxSlots; i++)
        {
            if (!_kernel.Packets.TryAllocatePage(out Gfn page))
            {
                for (int j = 0; j < i; j++)
                {
                    _kernel.Packets.FreePage(_rxSlots[j].Page);
                }

                _kernel.Pages.Free(txRing);
                _kernel.Pages.Free(rxRing);
                return false;
            }

            _rxSlots[i] = new XennetRxSlot { Page = page };
        }

        for (int i = 0; i < TxSlots; i++)
        {
            _txSlots[i] = default;
        }

        _txRingPage = txRing;
        _rxRingPage = rxRing;
        _pagesAllocated = true;
        return true;
    }
}
