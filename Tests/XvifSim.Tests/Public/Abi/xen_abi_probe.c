/*
 * Prints, one "name value" a line, every size, field offset and constant that
 * XvifSim.Public defines, as Xen's own public headers (Debian's libxen-dev,
 * /usr/include/xen) give them on x86_64. XenHeaderComparisonTests compiles
 * this with gcc and compares each line with Public's value.
 * Values newer than the installed headers are printed only when the header
 * defines them (#ifdef), so the test can say which version Public follows.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define __XEN_INTERFACE_VERSION__ 0x00040e00 /* any version >= 4.3: frame_list is xen_pfn_t */

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/event_channel.h>
#include <xen/io/ring.h>
#include <xen/io/netif.h>
#include <xen/io/xs_wire.h>
#include <xen/io/xenbus.h>

#define V(expr) printf("%s %lld\n", #expr, (long long)(expr))
#define SIZE(type) printf("sizeof(%s) %zu\n", #type, sizeof(type))
#define OFF(type, field) printf("offsetof(%s, %s) %zu\n", #type, #field, offsetof(type, field))

int main(void)
{
    /* xen.h */
    V(XEN_PAGE_SHIFT);
    V(DOMID_FIRST_RESERVED);
    V(DOMID_SELF);
    V(DOMID_XEN);
    V(DOMID_INVALID);
#ifdef DOMID_ANY
    V(DOMID_ANY);
#endif
    V(VIRQ_TIMER);
    V(VIRQ_DEBUG);
    V(VIRQ_CONSOLE);
    V(VIRQ_DOM_EXC);
    V(VIRQ_TBUF);
    V(VIRQ_DEBUGGER);
    V(VIRQ_XENOPROF);
    V(VIRQ_CON_RING);
    V(VIRQ_PCPU_STATE);
    V(VIRQ_MEM_EVENT);
    V(VIRQ_ARGO);
    V(VIRQ_ENOMEM);
    V(VIRQ_XENPMU);
    V(NR_VIRQS);
    V(XEN_LEGACY_MAX_VCPUS);
    SIZE(struct vcpu_info);
    OFF(struct vcpu_info, evtchn_upcall_pending);
    OFF(struct vcpu_info, evtchn_upcall_mask);
    OFF(struct vcpu_info, evtchn_pending_sel);
    OFF(struct vcpu_info, arch);
    OFF(struct vcpu_info, time);
    OFF(struct shared_info, evtchn_pending);
    OFF(struct shared_info, evtchn_mask);
    V(sizeof(xen_ulong_t) * 8);
    SIZE(domid_t);
    SIZE(xen_pfn_t);
    SIZE(grant_ref_t);
    SIZE(grant_handle_t);
    SIZE(evtchn_port_t);

    /* errno.h (Xen's numbers), and the host's for the one Xen does not name */
    V(XEN_EPERM);
    V(XEN_ENOENT);
    V(XEN_ESRCH);
    V(XEN_EIO);
    V(XEN_E2BIG);
    V(XEN_EAGAIN);
    V(XEN_ENOMEM);
    V(XEN_EACCES);
    V(XEN_EFAULT);
    V(XEN_EBUSY);
    V(XEN_EEXIST);
    V(XEN_EISDIR);
    V(XEN_EINVAL);
    V(XEN_ENOSPC);
    V(XEN_EROFS);
    V(XEN_ENOSYS);
    V(XEN_ENOTEMPTY);
    V(XEN_EISCONN);
    V(EALREADY);

    /* grant_table.h */
    V(GNTTAB_RESERVED_XENSTORE);
    SIZE(grant_entry_v1_t);
    OFF(grant_entry_v1_t, flags);
    OFF(grant_entry_v1_t, domid);
    OFF(grant_entry_v1_t, frame);
    V(GTF_invalid);
    V(GTF_permit_access);
    V(GTF_accept_transfer);
    V(GTF_transitive);
    V(GTF_type_mask);
    V(GTF_readonly);
    V(GTF_reading);
    V(GTF_writing);
    V(GTF_PWT);
    V(GTF_PCD);
    V(GTF_PAT);
    V(GTF_sub_page);
    V(GNTMAP_device_map);
    V(GNTMAP_host_map);
    V(GNTMAP_readonly);
    V(GNTMAP_application_map);
    V(GNTMAP_contains_pte);
    V(GNTCOPY_source_gref);
    V(GNTCOPY_dest_gref);
    V(GNTST_okay);
    V(GNTST_general_error);
    V(GNTST_bad_domain);
    V(GNTST_bad_gntref);
    V(GNTST_bad_handle);
    V(GNTST_bad_virt_addr);
    V(GNTST_bad_dev_addr);
    V(GNTST_no_device_space);
    V(GNTST_permission_denied);
    V(GNTST_bad_page);
    V(GNTST_bad_copy_arg);
    V(GNTST_address_too_big);
    V(GNTST_eagain);
    V(GNTST_no_space);
    SIZE(struct gnttab_map_grant_ref);
    OFF(struct gnttab_map_grant_ref, host_addr);
    OFF(struct gnttab_map_grant_ref, flags);
    OFF(struct gnttab_map_grant_ref, ref);
    OFF(struct gnttab_map_grant_ref, dom);
    OFF(struct gnttab_map_grant_ref, status);
    OFF(struct gnttab_map_grant_ref, handle);
    OFF(struct gnttab_map_grant_ref, dev_bus_addr);
    SIZE(struct gnttab_unmap_grant_ref);
    OFF(struct gnttab_unmap_grant_ref, host_addr);
    OFF(struct gnttab_unmap_grant_ref, dev_bus_addr);
    OFF(struct gnttab_unmap_grant_ref, handle);
    OFF(struct gnttab_unmap_grant_ref, status);
    SIZE(struct gnttab_setup_table);
    OFF(struct gnttab_setup_table, dom);
    OFF(struct gnttab_setup_table, nr_frames);
    OFF(struct gnttab_setup_table, status);
    OFF(struct gnttab_setup_table, frame_list);
    SIZE(struct gnttab_copy);
    OFF(struct gnttab_copy, source);
    OFF(struct gnttab_copy, source.u.ref);
    OFF(struct gnttab_copy, source.u.gmfn);
    OFF(struct gnttab_copy, source.domid);
    OFF(struct gnttab_copy, source.offset);
    OFF(struct gnttab_copy, dest);
    OFF(struct gnttab_copy, len);
    OFF(struct gnttab_copy, flags);
    OFF(struct gnttab_copy, status);
    SIZE(struct gnttab_query_size);
    OFF(struct gnttab_query_size, dom);
    OFF(struct gnttab_query_size, nr_frames);
    OFF(struct gnttab_query_size, max_nr_frames);
    OFF(struct gnttab_query_size, status);

    /* event_channel.h */
    V(EVTCHNSTAT_closed);
    V(EVTCHNSTAT_unbound);
    V(EVTCHNSTAT_interdomain);
    V(EVTCHNSTAT_pirq);
    V(EVTCHNSTAT_virq);
    V(EVTCHNSTAT_ipi);
    SIZE(struct evtchn_alloc_unbound);
    OFF(struct evtchn_alloc_unbound, dom);
    OFF(struct evtchn_alloc_unbound, remote_dom);
    OFF(struct evtchn_alloc_unbound, port);
    SIZE(struct evtchn_bind_interdomain);
    OFF(struct evtchn_bind_interdomain, remote_dom);
    OFF(struct evtchn_bind_interdomain, remote_port);
    OFF(struct evtchn_bind_interdomain, local_port);
    SIZE(struct evtchn_bind_virq);
    OFF(struct evtchn_bind_virq, virq);
    OFF(struct evtchn_bind_virq, vcpu);
    OFF(struct evtchn_bind_virq, port);
    SIZE(struct evtchn_status);
    OFF(struct evtchn_status, dom);
    OFF(struct evtchn_status, port);
    OFF(struct evtchn_status, status);
    OFF(struct evtchn_status, vcpu);
    OFF(struct evtchn_status, u.unbound.dom);
    OFF(struct evtchn_status, u.interdomain.dom);
    OFF(struct evtchn_status, u.interdomain.port);
    OFF(struct evtchn_status, u.pirq);
    OFF(struct evtchn_status, u.virq);

    /* io/ring.h through io/netif.h's rings */
    OFF(struct netif_tx_sring, req_prod);
    OFF(struct netif_tx_sring, req_event);
    OFF(struct netif_tx_sring, rsp_prod);
    OFF(struct netif_tx_sring, rsp_event);
    OFF(struct netif_tx_sring, ring);
    V(__CONST_RING_SIZE(netif_tx, 1 << XEN_PAGE_SHIFT));
    V(__CONST_RING_SIZE(netif_rx, 1 << XEN_PAGE_SHIFT));

    /* io/netif.h */
    V(XEN_NETIF_NR_SLOTS_MIN);
    V(XEN_NETIF_MAX_TX_SIZE);
    V(NETTXF_csum_blank);
    V(NETTXF_data_validated);
    V(NETTXF_more_data);
    V(NETTXF_extra_info);
    V(NETRXF_data_validated);
    V(NETRXF_csum_blank);
    V(NETRXF_more_data);
    V(NETRXF_extra_info);
    V(NETRXF_gso_prefix);
    V(NETIF_RSP_DROPPED);
    V(NETIF_RSP_ERROR);
    V(NETIF_RSP_OKAY);
    V(NETIF_RSP_NULL);
    V(XEN_NETIF_EXTRA_TYPE_NONE);
    V(XEN_NETIF_EXTRA_TYPE_GSO);
    V(XEN_NETIF_EXTRA_TYPE_MCAST_ADD);
    V(XEN_NETIF_EXTRA_TYPE_MCAST_DEL);
    V(XEN_NETIF_EXTRA_TYPE_HASH);
#ifdef XEN_NETIF_EXTRA_TYPE_XDP
    V(XEN_NETIF_EXTRA_TYPE_XDP);
#endif
    V(XEN_NETIF_EXTRA_TYPE_MAX);
    V(XEN_NETIF_EXTRA_FLAG_MORE);
    V(XEN_NETIF_GSO_TYPE_NONE);
    V(XEN_NETIF_GSO_TYPE_TCPV4);
    V(XEN_NETIF_GSO_TYPE_TCPV6);
    V(_XEN_NETIF_CTRL_HASH_TYPE_IPV4);
    V(_XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
    V(_XEN_NETIF_CTRL_HASH_TYPE_IPV6);
    V(_XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP);
    V(XEN_NETIF_CTRL_HASH_TYPE_IPV4);
    V(XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
    V(XEN_NETIF_CTRL_HASH_TYPE_IPV6);
    V(XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP);
    V(XEN_NETIF_CTRL_HASH_ALGORITHM_NONE);
    V(XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ);
    SIZE(struct netif_tx_request);
    OFF(struct netif_tx_request, gref);
    OFF(struct netif_tx_request, offset);
    OFF(struct netif_tx_request, flags);
    OFF(struct netif_tx_request, id);
    OFF(struct netif_tx_request, size);
    SIZE(struct netif_tx_response);
    OFF(struct netif_tx_response, id);
    OFF(struct netif_tx_response, status);
    SIZE(struct netif_rx_request);
    OFF(struct netif_rx_request, id);
    OFF(struct netif_rx_request, gref);
    SIZE(struct netif_rx_response);
    OFF(struct netif_rx_response, id);
    OFF(struct netif_rx_response, offset);
    OFF(struct netif_rx_response, flags);
    OFF(struct netif_rx_response, status);
    SIZE(struct netif_extra_info);
    OFF(struct netif_extra_info, type);
    OFF(struct netif_extra_info, flags);
    OFF(struct netif_extra_info, u);
    OFF(struct netif_extra_info, u.gso.size);
    OFF(struct netif_extra_info, u.gso.type);
    OFF(struct netif_extra_info, u.gso.features);
    OFF(struct netif_extra_info, u.mcast.addr);
    OFF(struct netif_extra_info, u.hash.type);
    OFF(struct netif_extra_info, u.hash.algorithm);
    OFF(struct netif_extra_info, u.hash.value);

    /* io/xs_wire.h */
    V(XS_CONTROL);
    V(XS_DIRECTORY);
    V(XS_READ);
    V(XS_GET_PERMS);
    V(XS_WATCH);
    V(XS_UNWATCH);
    V(XS_TRANSACTION_START);
    V(XS_TRANSACTION_END);
    V(XS_INTRODUCE);
    V(XS_RELEASE);
    V(XS_GET_DOMAIN_PATH);
    V(XS_WRITE);
    V(XS_MKDIR);
    V(XS_RM);
    V(XS_SET_PERMS);
    V(XS_WATCH_EVENT);
    V(XS_ERROR);
    V(XS_IS_DOMAIN_INTRODUCED);
    V(XS_RESUME);
    V(XS_SET_TARGET);
    V(XS_RESET_WATCHES);
    V(XS_DIRECTORY_PART);
    V(XS_TYPE_COUNT);
    V(XS_INVALID);
    SIZE(struct xsd_sockmsg);
    OFF(struct xsd_sockmsg, type);
    OFF(struct xsd_sockmsg, req_id);
    OFF(struct xsd_sockmsg, tx_id);
    OFF(struct xsd_sockmsg, len);
    V(XENSTORE_RING_SIZE);
    V(XENSTORE_PAYLOAD_MAX);
    V(XENSTORE_ABS_PATH_MAX);
    V(XENSTORE_REL_PATH_MAX);
    SIZE(struct xenstore_domain_interface);
    OFF(struct xenstore_domain_interface, req);
    OFF(struct xenstore_domain_interface, rsp);
    OFF(struct xenstore_domain_interface, req_cons);
    OFF(struct xenstore_domain_interface, req_prod);
    OFF(struct xenstore_domain_interface, rsp_cons);
    OFF(struct xenstore_domain_interface, rsp_prod);
    OFF(struct xenstore_domain_interface, server_features);
    OFF(struct xenstore_domain_interface, connection);
    OFF(struct xenstore_domain_interface, error);
    V(XENSTORE_SERVER_FEATURE_RECONNECTION);
    V(XENSTORE_SERVER_FEATURE_ERROR);
#ifdef XENSTORE_SERVER_FEATURE_WATCHDEPTH
    V(XENSTORE_SERVER_FEATURE_WATCHDEPTH);
#endif
#ifdef XENSTORE_SERVER_FEATURE_DOMID_ANY
    V(XENSTORE_SERVER_FEATURE_DOMID_ANY);
#endif
    V(XENSTORE_CONNECTED);
    V(XENSTORE_RECONNECT);
    V(XENSTORE_ERROR_NONE);
    V(XENSTORE_ERROR_COMM);
    V(XENSTORE_ERROR_RINGIDX);
    V(XENSTORE_ERROR_PROTO);
    printf("xsd_errors.count %zu\n", sizeof(xsd_errors) / sizeof(xsd_errors[0]));
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        printf("xsd_errors[%zu] %d %s\n", i, xsd_errors[i].errnum, xsd_errors[i].errstring);

    /* io/xenbus.h */
    V(XenbusStateUnknown);
    V(XenbusStateInitialising);
    V(XenbusStateInitWait);
    V(XenbusStateInitialised);
    V(XenbusStateConnected);
    V(XenbusStateClosing);
    V(XenbusStateClosed);
    V(XenbusStateReconfiguring);
    V(XenbusStateReconfigured);
    return 0;
}
