using System.Globalization;
using System.Runtime.CompilerServices;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;
using XvifSim.Tests.Outside;

namespace XvifSim.Tests.Public.Abi;

/// <summary>
/// Public against Xen's own public headers: xen_abi_probe.c (beside this file)
/// is compiled with gcc against Debian's libxen-dev (/usr/include/xen, Xen
/// 4.17) and prints every size, field offset and constant Public defines; each
/// line is compared with Public's value from the explicit table below, so a
/// wrong value cannot come back unnoticed. Where the current headers differ
/// from 4.17, Public follows the current ones and the test says so.
/// </summary>
public class XenHeaderComparisonTests
{
    private const string Gcc = "/usr/bin/gcc";
    private const string Headers = "/usr/include/xen/io/netif.h";

    private static Dictionary<string, string> _probe = null!;

    [OneTimeSetUp]
    public void CompileAndRunTheProbe()
    {
        if (!File.Exists(Gcc) || !File.Exists(Headers))
        {
            Assert.Ignore($"needs gcc and Xen's public headers: apt-get install gcc libxen-dev (./run-sim.sh test installs them)");
        }

        string source = Path.Combine(AppContext.BaseDirectory, "Public", "Abi", "xen_abi_probe.c");
        string binary = Path.Combine(Path.GetTempPath(), $"xvifsim-abi-probe-{Guid.NewGuid():N}");
        try
        {
            ProcessResult compiled = ExternalProcess.Run(Gcc, ["-std=c11", "-Wall", "-Wextra", "-Werror", "-o", binary, source]);
            Assert.That(compiled.ExitCode, Is.Zero, compiled.ToString());
            ProcessResult run = ExternalProcess.Run(binary, []);
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            _probe = [];
            foreach (string line in run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.LastIndexOf(' ');
                string name = line[..space];
                if (name.StartsWith("xsd_errors[", StringComparison.Ordinal))
                {
                    // "xsd_errors[i] errnum name": the key keeps the errnum.
                    int first = line.IndexOf(' ', StringComparison.Ordinal);
                    _probe[line[..first]] = line[(first + 1)..];
                }
                else
                {
                    _probe[name] = line[(space + 1)..];
                }
            }
        }
        finally
        {
            File.Delete(binary);
        }
    }

    [TestCaseSource(nameof(Values))]
    public void PublicMatchesXensHeader(string name, long expected)
    {
        Assert.That(_probe.TryGetValue(name, out string? printed), Is.True, $"the probe printed no {name}");
        Assert.That(long.Parse(printed!, CultureInfo.InvariantCulture), Is.EqualTo(expected), name);
    }

    [Test]
    public void TheXsdErrorsTableIsTheHeadersRowForRow()
    {
        Assert.That(long.Parse(_probe["xsd_errors.count"], CultureInfo.InvariantCulture), Is.EqualTo(XsErrors.Rows.Length));
        XsdError[] rows = XsErrors.Rows.ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.That(_probe[$"xsd_errors[{i}]"], Is.EqualTo($"{(int)rows[i].Errnum} {rows[i].Errstring}"), $"xsd_errors[{i}]");
        }
    }

    /// <summary>
    /// What Public has beyond 4.17's headers, from the current ones: XS_GET_FEATURE
    /// to XS_SET_QUOTA (so XS_TYPE_COUNT 27, where 4.17's is 23), the
    /// ring page's evtchn_port (so 2080 bytes, where 4.17's is 2076),
    /// XENSTORE_SERVER_FEATURE_WATCHDEPTH and _DOMID_ANY, and DOMID_ANY. 4.17
    /// must show exactly the older values, and where it defines one of these
    /// itself, the same number.
    /// </summary>
    [Test]
    public void WhereTheCurrentHeadersAreNewerThan417PublicFollowsTheCurrentOnes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_probe["XS_TYPE_COUNT"], Is.EqualTo(((int)XsdSockmsgType.DirectoryPart + 1).ToString(CultureInfo.InvariantCulture)));
            Assert.That((int)XsdSockmsgType.TypeCount, Is.EqualTo((int)XsdSockmsgType.SetQuota + 1));
            Assert.That(_probe["sizeof(struct xenstore_domain_interface)"], Is.EqualTo(XenstoreDomainInterface.EvtchnPortOffset.ToString(CultureInfo.InvariantCulture)));
            Assert.That(XenstoreDomainInterface.Size, Is.EqualTo(XenstoreDomainInterface.EvtchnPortOffset + sizeof(uint)));
            AssertSameIfDefined("XENSTORE_SERVER_FEATURE_WATCHDEPTH", (long)XenstoreServerFeatures.WatchDepth);
            AssertSameIfDefined("XENSTORE_SERVER_FEATURE_DOMID_ANY", (long)XenstoreServerFeatures.DomIdAny);
            AssertSameIfDefined("DOMID_ANY", DomId.Any.Value);

            // XDP is in Linux's copy of netif.h only (type 5, MAX 6); Xen's has never had it.
            Assert.That(_probe.ContainsKey("XEN_NETIF_EXTRA_TYPE_XDP"), Is.False, "Xen's netif.h has XEN_NETIF_EXTRA_TYPE_XDP: revisit NetifExtraType");
        });
    }

    private static void AssertSameIfDefined(string name, long publicValue)
    {
        if (_probe.TryGetValue(name, out string? printed))
        {
            Assert.That(long.Parse(printed, CultureInfo.InvariantCulture), Is.EqualTo(publicValue), name);
        }
    }

    private static IEnumerable<TestCaseData> Values() =>
        Xen().Concat(Errnos()).Concat(Grants()).Concat(Events()).Concat(Netif()).Concat(XenStore()).Concat(Xenbus())
            .Select(v => new TestCaseData(v.Name, v.Value).SetName($"PublicMatchesXensHeader({v.Name})"));

    private static IEnumerable<(string Name, long Value)> Xen()
    {
        yield return ("XEN_PAGE_SHIFT", XenPage.Shift);
        yield return ("DOMID_FIRST_RESERVED", DomId.FirstReserved);
        yield return ("DOMID_SELF", DomId.Self.Value);
        yield return ("DOMID_XEN", DomId.Xen.Value);
        yield return ("DOMID_INVALID", DomId.Invalid.Value);
        yield return ("VIRQ_TIMER", (long)Virq.Timer);
        yield return ("VIRQ_DEBUG", (long)Virq.Debug);
        yield return ("VIRQ_CONSOLE", (long)Virq.Console);
        yield return ("VIRQ_DOM_EXC", (long)Virq.DomExc);
        yield return ("VIRQ_TBUF", (long)Virq.Tbuf);
        yield return ("VIRQ_DEBUGGER", (long)Virq.Debugger);
        yield return ("VIRQ_XENOPROF", (long)Virq.Xenoprof);
        yield return ("VIRQ_CON_RING", (long)Virq.ConRing);
        yield return ("VIRQ_PCPU_STATE", (long)Virq.PcpuState);
        yield return ("VIRQ_MEM_EVENT", (long)Virq.MemEvent);
        yield return ("VIRQ_ARGO", (long)Virq.Argo);
        yield return ("VIRQ_ENOMEM", (long)Virq.Enomem);
        yield return ("VIRQ_XENPMU", (long)Virq.Xenpmu);
        yield return ("NR_VIRQS", VirqInfo.NrVirqs);
        yield return ("XEN_LEGACY_MAX_VCPUS", SharedInfoLayout.LegacyMaxVcpus);
        yield return ("sizeof(struct vcpu_info)", SharedInfoLayout.VcpuInfoSize);
        yield return ("offsetof(struct vcpu_info, evtchn_upcall_pending)", VcpuInfoLayout.EvtchnUpcallPending);
        yield return ("offsetof(struct vcpu_info, evtchn_upcall_mask)", VcpuInfoLayout.EvtchnUpcallMask);
        yield return ("offsetof(struct vcpu_info, evtchn_pending_sel)", VcpuInfoLayout.EvtchnPendingSel);
        yield return ("offsetof(struct vcpu_info, arch)", VcpuInfoLayout.Arch);
        yield return ("offsetof(struct vcpu_info, time)", VcpuInfoLayout.Time);
        yield return ("offsetof(struct shared_info, evtchn_pending)", SharedInfoLayout.EvtchnPendingOffset);
        yield return ("offsetof(struct shared_info, evtchn_mask)", SharedInfoLayout.EvtchnMaskOffset);
        yield return ("sizeof(xen_ulong_t) * 8", SharedInfoLayout.BitsPerWord);
        yield return ("sizeof(domid_t)", Unsafe.SizeOf<DomId>());
        yield return ("sizeof(xen_pfn_t)", Unsafe.SizeOf<Gfn>());
        yield return ("sizeof(grant_ref_t)", Unsafe.SizeOf<GrantRef>());
        yield return ("sizeof(grant_handle_t)", Unsafe.SizeOf<GrantHandle>());
        yield return ("sizeof(evtchn_port_t)", Unsafe.SizeOf<EvtchnPort>());
    }

    private static IEnumerable<(string Name, long Value)> Errnos()
    {
        foreach (Errno errno in new[]
        {
            Errno.EPERM, Errno.ENOENT, Errno.ESRCH, Errno.EIO, Errno.E2BIG, Errno.EAGAIN, Errno.ENOMEM, Errno.EACCES, Errno.EFAULT,
            Errno.EBUSY, Errno.EEXIST, Errno.EISDIR, Errno.EINVAL, Errno.ENOSPC, Errno.EROFS, Errno.ENOSYS, Errno.ENOTEMPTY, Errno.EISCONN,
        })
        {
            yield return ($"XEN_{errno}", (long)errno);
        }

        // Xen's errno.h has no EALREADY: Public uses Linux x86's number.
        yield return ("EALREADY", (long)Errno.EALREADY);
    }

    private static IEnumerable<(string Name, long Value)> Grants()
    {
        yield return ("GNTTAB_RESERVED_XENSTORE", GrantRef.ReservedXenstore.Value);
        yield return ("sizeof(grant_entry_v1_t)", GrantEntryV1.Size);
        yield return ("offsetof(grant_entry_v1_t, flags)", GrantEntryV1.FlagsOffset);
        yield return ("offsetof(grant_entry_v1_t, domid)", GrantEntryV1.DomIdOffset);
        yield return ("offsetof(grant_entry_v1_t, frame)", GrantEntryV1.FrameOffset);
        yield return ("GTF_invalid", (long)GtfFlags.Invalid);
        yield return ("GTF_permit_access", (long)GtfFlags.PermitAccess);
        yield return ("GTF_accept_transfer", (long)GtfFlags.AcceptTransfer);
        yield return ("GTF_transitive", (long)GtfFlags.Transitive);
        yield return ("GTF_type_mask", (long)GtfFlags.TypeMask);
        yield return ("GTF_readonly", (long)GtfFlags.Readonly);
        yield return ("GTF_reading", (long)GtfFlags.Reading);
        yield return ("GTF_writing", (long)GtfFlags.Writing);
        yield return ("GTF_PWT", (long)GtfFlags.Pwt);
        yield return ("GTF_PCD", (long)GtfFlags.Pcd);
        yield return ("GTF_PAT", (long)GtfFlags.Pat);
        yield return ("GTF_sub_page", (long)GtfFlags.SubPage);
        yield return ("GNTMAP_device_map", (long)GntMapFlags.DeviceMap);
        yield return ("GNTMAP_host_map", (long)GntMapFlags.HostMap);
        yield return ("GNTMAP_readonly", (long)GntMapFlags.Readonly);
        yield return ("GNTMAP_application_map", (long)GntMapFlags.ApplicationMap);
        yield return ("GNTMAP_contains_pte", (long)GntMapFlags.ContainsPte);
        yield return ("GNTCOPY_source_gref", (long)GntCopyFlags.SourceGref);
        yield return ("GNTCOPY_dest_gref", (long)GntCopyFlags.DestGref);
        yield return ("GNTST_okay", (long)GntSt.Okay);
        yield return ("GNTST_general_error", (long)GntSt.GeneralError);
        yield return ("GNTST_bad_domain", (long)GntSt.BadDomain);
        yield return ("GNTST_bad_gntref", (long)GntSt.BadGntref);
        yield return ("GNTST_bad_handle", (long)GntSt.BadHandle);
        yield return ("GNTST_bad_virt_addr", (long)GntSt.BadVirtAddr);
        yield return ("GNTST_bad_dev_addr", (long)GntSt.BadDevAddr);
        yield return ("GNTST_no_device_space", (long)GntSt.NoDeviceSpace);
        yield return ("GNTST_permission_denied", (long)GntSt.PermissionDenied);
        yield return ("GNTST_bad_page", (long)GntSt.BadPage);
        yield return ("GNTST_bad_copy_arg", (long)GntSt.BadCopyArg);
        yield return ("GNTST_address_too_big", (long)GntSt.AddressTooBig);
        yield return ("GNTST_eagain", (long)GntSt.Eagain);
        yield return ("GNTST_no_space", (long)GntSt.NoSpace);

        var map = default(GnttabMapGrantRef);
        yield return ("sizeof(struct gnttab_map_grant_ref)", Unsafe.SizeOf<GnttabMapGrantRef>());
        yield return ("offsetof(struct gnttab_map_grant_ref, host_addr)", Layout.Offset(ref map, ref map.HostAddr));
        yield return ("offsetof(struct gnttab_map_grant_ref, flags)", Layout.Offset(ref map, ref map.Flags));
        yield return ("offsetof(struct gnttab_map_grant_ref, ref)", Layout.Offset(ref map, ref map.Ref));
        yield return ("offsetof(struct gnttab_map_grant_ref, dom)", Layout.Offset(ref map, ref map.Dom));
        yield return ("offsetof(struct gnttab_map_grant_ref, status)", Layout.Offset(ref map, ref map.Status));
        yield return ("offsetof(struct gnttab_map_grant_ref, handle)", Layout.Offset(ref map, ref map.Handle));
        yield return ("offsetof(struct gnttab_map_grant_ref, dev_bus_addr)", Layout.Offset(ref map, ref map.DevBusAddr));

        var unmap = default(GnttabUnmapGrantRef);
        yield return ("sizeof(struct gnttab_unmap_grant_ref)", Unsafe.SizeOf<GnttabUnmapGrantRef>());
        yield return ("offsetof(struct gnttab_unmap_grant_ref, host_addr)", Layout.Offset(ref unmap, ref unmap.HostAddr));
        yield return ("offsetof(struct gnttab_unmap_grant_ref, dev_bus_addr)", Layout.Offset(ref unmap, ref unmap.DevBusAddr));
        yield return ("offsetof(struct gnttab_unmap_grant_ref, handle)", Layout.Offset(ref unmap, ref unmap.Handle));
        yield return ("offsetof(struct gnttab_unmap_grant_ref, status)", Layout.Offset(ref unmap, ref unmap.Status));

        var setup = default(GnttabSetupTable);
        yield return ("sizeof(struct gnttab_setup_table)", Unsafe.SizeOf<GnttabSetupTable>());
        yield return ("offsetof(struct gnttab_setup_table, dom)", Layout.Offset(ref setup, ref setup.Dom));
        yield return ("offsetof(struct gnttab_setup_table, nr_frames)", Layout.Offset(ref setup, ref setup.NrFrames));
        yield return ("offsetof(struct gnttab_setup_table, status)", Layout.Offset(ref setup, ref setup.Status));
        yield return ("offsetof(struct gnttab_setup_table, frame_list)", Layout.Offset(ref setup, ref setup.FrameList));

        var copy = default(GnttabCopy);
        yield return ("sizeof(struct gnttab_copy)", Unsafe.SizeOf<GnttabCopy>());
        yield return ("offsetof(struct gnttab_copy, source)", Layout.Offset(ref copy, ref copy.Source));
        yield return ("offsetof(struct gnttab_copy, source.u.ref)", Layout.Offset(ref copy, ref copy.Source.Ref));
        yield return ("offsetof(struct gnttab_copy, source.u.gmfn)", Layout.Offset(ref copy, ref copy.Source.Gmfn));
        yield return ("offsetof(struct gnttab_copy, source.domid)", Layout.Offset(ref copy, ref copy.Source.Domid));
        yield return ("offsetof(struct gnttab_copy, source.offset)", Layout.Offset(ref copy, ref copy.Source.Offset));
        yield return ("offsetof(struct gnttab_copy, dest)", Layout.Offset(ref copy, ref copy.Dest));
        yield return ("offsetof(struct gnttab_copy, len)", Layout.Offset(ref copy, ref copy.Len));
        yield return ("offsetof(struct gnttab_copy, flags)", Layout.Offset(ref copy, ref copy.Flags));
        yield return ("offsetof(struct gnttab_copy, status)", Layout.Offset(ref copy, ref copy.Status));

        var query = default(GnttabQuerySize);
        yield return ("sizeof(struct gnttab_query_size)", Unsafe.SizeOf<GnttabQuerySize>());
        yield return ("offsetof(struct gnttab_query_size, dom)", Layout.Offset(ref query, ref query.Dom));
        yield return ("offsetof(struct gnttab_query_size, nr_frames)", Layout.Offset(ref query, ref query.NrFrames));
        yield return ("offsetof(struct gnttab_query_size, max_nr_frames)", Layout.Offset(ref query, ref query.MaxNrFrames));
        yield return ("offsetof(struct gnttab_query_size, status)", Layout.Offset(ref query, ref query.Status));
    }

    private static IEnumerable<(string Name, long Value)> Events()
    {
        yield return ("EVTCHNSTAT_closed", (long)EvtchnStatusKind.Closed);
        yield return ("EVTCHNSTAT_unbound", (long)EvtchnStatusKind.Unbound);
        yield return ("EVTCHNSTAT_interdomain", (long)EvtchnStatusKind.Interdomain);
        yield return ("EVTCHNSTAT_pirq", (long)EvtchnStatusKind.Pirq);
        yield return ("EVTCHNSTAT_virq", (long)EvtchnStatusKind.Virq);
        yield return ("EVTCHNSTAT_ipi", (long)EvtchnStatusKind.Ipi);

        var alloc = default(EvtchnAllocUnbound);
        yield return ("sizeof(struct evtchn_alloc_unbound)", Unsafe.SizeOf<EvtchnAllocUnbound>());
        yield return ("offsetof(struct evtchn_alloc_unbound, dom)", Layout.Offset(ref alloc, ref alloc.Dom));
        yield return ("offsetof(struct evtchn_alloc_unbound, remote_dom)", Layout.Offset(ref alloc, ref alloc.RemoteDom));
        yield return ("offsetof(struct evtchn_alloc_unbound, port)", Layout.Offset(ref alloc, ref alloc.Port));

        var bind = default(EvtchnBindInterdomain);
        yield return ("sizeof(struct evtchn_bind_interdomain)", Unsafe.SizeOf<EvtchnBindInterdomain>());
        yield return ("offsetof(struct evtchn_bind_interdomain, remote_dom)", Layout.Offset(ref bind, ref bind.RemoteDom));
        yield return ("offsetof(struct evtchn_bind_interdomain, remote_port)", Layout.Offset(ref bind, ref bind.RemotePort));
        yield return ("offsetof(struct evtchn_bind_interdomain, local_port)", Layout.Offset(ref bind, ref bind.LocalPort));

        var virq = default(EvtchnBindVirq);
        yield return ("sizeof(struct evtchn_bind_virq)", Unsafe.SizeOf<EvtchnBindVirq>());
        yield return ("offsetof(struct evtchn_bind_virq, virq)", Layout.Offset(ref virq, ref virq.Virq));
        yield return ("offsetof(struct evtchn_bind_virq, vcpu)", Layout.Offset(ref virq, ref virq.Vcpu));
        yield return ("offsetof(struct evtchn_bind_virq, port)", Layout.Offset(ref virq, ref virq.Port));

        var status = default(EvtchnStatus);
        yield return ("sizeof(struct evtchn_status)", Unsafe.SizeOf<EvtchnStatus>());
        yield return ("offsetof(struct evtchn_status, dom)", Layout.Offset(ref status, ref status.Dom));
        yield return ("offsetof(struct evtchn_status, port)", Layout.Offset(ref status, ref status.Port));
        yield return ("offsetof(struct evtchn_status, status)", Layout.Offset(ref status, ref status.Status));
        yield return ("offsetof(struct evtchn_status, vcpu)", Layout.Offset(ref status, ref status.Vcpu));
        yield return ("offsetof(struct evtchn_status, u.unbound.dom)", Layout.Offset(ref status, ref status.UnboundDom));
        yield return ("offsetof(struct evtchn_status, u.interdomain.dom)", Layout.Offset(ref status, ref status.InterdomainDom));
        yield return ("offsetof(struct evtchn_status, u.interdomain.port)", Layout.Offset(ref status, ref status.InterdomainPort));
        yield return ("offsetof(struct evtchn_status, u.pirq)", Layout.Offset(ref status, ref status.Pirq));
        yield return ("offsetof(struct evtchn_status, u.virq)", Layout.Offset(ref status, ref status.Virq));
    }

    private static IEnumerable<(string Name, long Value)> Netif()
    {
        yield return ("offsetof(struct netif_tx_sring, req_prod)", SharedRing.ReqProdOffset);
        yield return ("offsetof(struct netif_tx_sring, req_event)", SharedRing.ReqEventOffset);
        yield return ("offsetof(struct netif_tx_sring, rsp_prod)", SharedRing.RspProdOffset);
        yield return ("offsetof(struct netif_tx_sring, rsp_event)", SharedRing.RspEventOffset);
        yield return ("offsetof(struct netif_tx_sring, ring)", SharedRing.HeaderSize);
        yield return ("__CONST_RING_SIZE(netif_tx, 1 << XEN_PAGE_SHIFT)", XvifSim.Public.Netif.Netif.TxRingSize);
        yield return ("__CONST_RING_SIZE(netif_rx, 1 << XEN_PAGE_SHIFT)", XvifSim.Public.Netif.Netif.RxRingSize);
        yield return ("XEN_NETIF_NR_SLOTS_MIN", XvifSim.Public.Netif.Netif.NrSlotsMin);
        yield return ("XEN_NETIF_MAX_TX_SIZE", XvifSim.Public.Netif.Netif.MaxTxSize);
        yield return ("NETTXF_csum_blank", (long)NetTxFlags.CsumBlank);
        yield return ("NETTXF_data_validated", (long)NetTxFlags.DataValidated);
        yield return ("NETTXF_more_data", (long)NetTxFlags.MoreData);
        yield return ("NETTXF_extra_info", (long)NetTxFlags.ExtraInfo);
        yield return ("NETRXF_data_validated", (long)NetRxFlags.DataValidated);
        yield return ("NETRXF_csum_blank", (long)NetRxFlags.CsumBlank);
        yield return ("NETRXF_more_data", (long)NetRxFlags.MoreData);
        yield return ("NETRXF_extra_info", (long)NetRxFlags.ExtraInfo);
        yield return ("NETRXF_gso_prefix", (long)NetRxFlags.GsoPrefix);
        yield return ("NETIF_RSP_DROPPED", (long)NetifRsp.Dropped);
        yield return ("NETIF_RSP_ERROR", (long)NetifRsp.Error);
        yield return ("NETIF_RSP_OKAY", (long)NetifRsp.Okay);
        yield return ("NETIF_RSP_NULL", (long)NetifRsp.Null);
        yield return ("XEN_NETIF_EXTRA_TYPE_NONE", (long)NetifExtraType.None);
        yield return ("XEN_NETIF_EXTRA_TYPE_GSO", (long)NetifExtraType.Gso);
        yield return ("XEN_NETIF_EXTRA_TYPE_MCAST_ADD", (long)NetifExtraType.McastAdd);
        yield return ("XEN_NETIF_EXTRA_TYPE_MCAST_DEL", (long)NetifExtraType.McastDel);
        yield return ("XEN_NETIF_EXTRA_TYPE_HASH", (long)NetifExtraType.Hash);
        yield return ("XEN_NETIF_EXTRA_TYPE_MAX", (long)NetifExtraType.Max);
        yield return ("XEN_NETIF_EXTRA_FLAG_MORE", NetifExtraInfo.FlagMore);
        yield return ("XEN_NETIF_GSO_TYPE_NONE", (long)NetifGsoType.None);
        yield return ("XEN_NETIF_GSO_TYPE_TCPV4", (long)NetifGsoType.TcpV4);
        yield return ("XEN_NETIF_GSO_TYPE_TCPV6", (long)NetifGsoType.TcpV6);
        yield return ("_XEN_NETIF_CTRL_HASH_TYPE_IPV4", (long)NetifHashType.IPv4);
        yield return ("_XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP", (long)NetifHashType.IPv4Tcp);
        yield return ("_XEN_NETIF_CTRL_HASH_TYPE_IPV6", (long)NetifHashType.IPv6);
        yield return ("_XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP", (long)NetifHashType.IPv6Tcp);
        yield return ("XEN_NETIF_CTRL_HASH_TYPE_IPV4", (long)NetifHashTypes.IPv4);
        yield return ("XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP", (long)NetifHashTypes.IPv4Tcp);
        yield return ("XEN_NETIF_CTRL_HASH_TYPE_IPV6", (long)NetifHashTypes.IPv6);
        yield return ("XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP", (long)NetifHashTypes.IPv6Tcp);
        yield return ("XEN_NETIF_CTRL_HASH_ALGORITHM_NONE", (long)NetifHashAlgorithm.None);
        yield return ("XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ", (long)NetifHashAlgorithm.Toeplitz);
        yield return ("sizeof(struct netif_tx_request)", NetifTxRequest.Size);
        yield return ("offsetof(struct netif_tx_request, gref)", NetifTxRequest.GrefOffset);
        yield return ("offsetof(struct netif_tx_request, offset)", NetifTxRequest.OffsetOffset);
        yield return ("offsetof(struct netif_tx_request, flags)", NetifTxRequest.FlagsOffset);
        yield return ("offsetof(struct netif_tx_request, id)", NetifTxRequest.IdOffset);
        yield return ("offsetof(struct netif_tx_request, size)", NetifTxRequest.SizeOffset);
        yield return ("sizeof(struct netif_tx_response)", NetifTxResponse.Size);
        yield return ("offsetof(struct netif_tx_response, id)", NetifTxResponse.IdOffset);
        yield return ("offsetof(struct netif_tx_response, status)", NetifTxResponse.StatusOffset);
        yield return ("sizeof(struct netif_rx_request)", NetifRxRequest.Size);
        yield return ("offsetof(struct netif_rx_request, id)", NetifRxRequest.IdOffset);
        yield return ("offsetof(struct netif_rx_request, gref)", NetifRxRequest.GrefOffset);
        yield return ("sizeof(struct netif_rx_response)", NetifRxResponse.Size);
        yield return ("offsetof(struct netif_rx_response, id)", NetifRxResponse.IdOffset);
        yield return ("offsetof(struct netif_rx_response, offset)", NetifRxResponse.OffsetOffset);
        yield return ("offsetof(struct netif_rx_response, flags)", NetifRxResponse.FlagsOffset);
        yield return ("offsetof(struct netif_rx_response, status)", NetifRxResponse.StatusOffset);
        yield return ("sizeof(struct netif_extra_info)", NetifExtraInfo.Size);
        yield return ("offsetof(struct netif_extra_info, u)", NetifExtraInfo.UnionOffset);
        yield return ("offsetof(struct netif_extra_info, u.hash.value)", NetifExtraInfo.HashValueOffset);
    }

    private static IEnumerable<(string Name, long Value)> XenStore()
    {
        (string, XsdSockmsgType)[] types =
        [
            ("XS_CONTROL", XsdSockmsgType.Control), ("XS_DIRECTORY", XsdSockmsgType.Directory), ("XS_READ", XsdSockmsgType.Read),
            ("XS_GET_PERMS", XsdSockmsgType.GetPerms), ("XS_WATCH", XsdSockmsgType.Watch), ("XS_UNWATCH", XsdSockmsgType.Unwatch),
            ("XS_TRANSACTION_START", XsdSockmsgType.TransactionStart), ("XS_TRANSACTION_END", XsdSockmsgType.TransactionEnd),
            ("XS_INTRODUCE", XsdSockmsgType.Introduce), ("XS_RELEASE", XsdSockmsgType.Release),
            ("XS_GET_DOMAIN_PATH", XsdSockmsgType.GetDomainPath), ("XS_WRITE", XsdSockmsgType.Write), ("XS_MKDIR", XsdSockmsgType.Mkdir),
            ("XS_RM", XsdSockmsgType.Rm), ("XS_SET_PERMS", XsdSockmsgType.SetPerms), ("XS_WATCH_EVENT", XsdSockmsgType.WatchEvent),
            ("XS_ERROR", XsdSockmsgType.Error), ("XS_IS_DOMAIN_INTRODUCED", XsdSockmsgType.IsDomainIntroduced),
            ("XS_RESUME", XsdSockmsgType.Resume), ("XS_SET_TARGET", XsdSockmsgType.SetTarget),
            ("XS_RESET_WATCHES", XsdSockmsgType.ResetWatches), ("XS_DIRECTORY_PART", XsdSockmsgType.DirectoryPart),
            ("XS_INVALID", XsdSockmsgType.Invalid),
        ];
        foreach ((string name, XsdSockmsgType type) in types)
        {
            yield return (name, (long)type);
        }

        yield return ("sizeof(struct xsd_sockmsg)", XsdSockmsg.Size);
        yield return ("offsetof(struct xsd_sockmsg, type)", XsdSockmsg.TypeOffset);
        yield return ("offsetof(struct xsd_sockmsg, req_id)", XsdSockmsg.ReqIdOffset);
        yield return ("offsetof(struct xsd_sockmsg, tx_id)", XsdSockmsg.TxIdOffset);
        yield return ("offsetof(struct xsd_sockmsg, len)", XsdSockmsg.LenOffset);
        yield return ("XENSTORE_RING_SIZE", XenstoreDomainInterface.RingSize);
        yield return ("XENSTORE_PAYLOAD_MAX", XsLimits.PayloadMax);
        yield return ("XENSTORE_ABS_PATH_MAX", XsLimits.AbsPathMax);
        yield return ("XENSTORE_REL_PATH_MAX", XsLimits.RelPathMax);
        yield return ("offsetof(struct xenstore_domain_interface, req)", XenstoreDomainInterface.ReqOffset);
        yield return ("offsetof(struct xenstore_domain_interface, rsp)", XenstoreDomainInterface.RspOffset);
        yield return ("offsetof(struct xenstore_domain_interface, req_cons)", XenstoreDomainInterface.ReqConsOffset);
        yield return ("offsetof(struct xenstore_domain_interface, req_prod)", XenstoreDomainInterface.ReqProdOffset);
        yield return ("offsetof(struct xenstore_domain_interface, rsp_cons)", XenstoreDomainInterface.RspConsOffset);
        yield return ("offsetof(struct xenstore_domain_interface, rsp_prod)", XenstoreDomainInterface.RspProdOffset);
        yield return ("offsetof(struct xenstore_domain_interface, server_features)", XenstoreDomainInterface.ServerFeaturesOffset);
        yield return ("offsetof(struct xenstore_domain_interface, connection)", XenstoreDomainInterface.ConnectionOffset);
        yield return ("offsetof(struct xenstore_domain_interface, error)", XenstoreDomainInterface.ErrorOffset);
        yield return ("XENSTORE_SERVER_FEATURE_RECONNECTION", (long)XenstoreServerFeatures.Reconnection);
        yield return ("XENSTORE_SERVER_FEATURE_ERROR", (long)XenstoreServerFeatures.Error);
        yield return ("XENSTORE_CONNECTED", (long)XenstoreConnectionState.Connected);
        yield return ("XENSTORE_RECONNECT", (long)XenstoreConnectionState.Reconnect);
        yield return ("XENSTORE_ERROR_NONE", (long)XenstoreRingError.None);
        yield return ("XENSTORE_ERROR_COMM", (long)XenstoreRingError.Comm);
        yield return ("XENSTORE_ERROR_RINGIDX", (long)XenstoreRingError.RingIdx);
        yield return ("XENSTORE_ERROR_PROTO", (long)XenstoreRingError.Proto);
    }

    private static IEnumerable<(string Name, long Value)> Xenbus()
    {
        foreach (XenbusState state in Enum.GetValues<XenbusState>())
        {
            yield return ($"XenbusState{state}", (long)state);
        }
    }
}
