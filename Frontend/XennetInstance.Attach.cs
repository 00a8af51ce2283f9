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

        var iface = new NetworkInterface(Name, mac, this);
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
    /// The two ring pages and one page per TX and RX request id, all kept for
    /// the interface's life so the ring paths never allocate (NetBSD
    /// allocates its rings and RX pool at attach the same way). False, with
    /// nothing kept, when guest RAM runs out.
    /// </summary>
    private bool AllocatePages()
    {
        int needed = 2 + TxSlots + RxSlots;
        var pages = new Gfn[needed];
        for (int i = 0; i < needed; i++)
        {
            if (!_kernel.Pages.TryAllocate(out pages[i]))
            {
                for (int j = 0; j < i; j++)
                {
                    _kernel.Pages.Free(pages[j]);
                }

                return false;
            }
        }

        _txRingPage = pages[0];
        _rxRingPage = pages[1];
        for (int i = 0; i < TxSlots; i++)
        {
            _txSlots[i] = new XennetTxSlot { Page = pages[2 + i] };
        }

        for (int i = 0; i < RxSlots; i++)
        {
            _rxSlots[i] = new XennetRxSlot { Page = pages[2 + TxSlots + i] };
        }

        _pagesAllocated = true;
        return true;
    }
}
