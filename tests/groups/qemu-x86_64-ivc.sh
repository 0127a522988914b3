# QEMU scenarios on x86_64: the inter-VM channels of docs/hypercalls.md,
# the same generic IVC and the same guests (guests/common/ivcprod and
# ivccons) as on aarch64 (qemu-aarch64-ivc.sh): 4 MiB streamed in 32 KiB
# chunks, each announced and acknowledged by a notify; every misuse
# refused; an unpublished or unsubscribed view gone; all memory back.
X=x86_64
IVC_VMS=configs/vms/ivcprod-x86_64.toml:configs/vms/ivccons-x86_64.toml

qemu_scenario x86_64/ivc-stream 120 "ARCH=$X SMP=2 VM_CONFIGS=$IVC_VMS" \
  "VM 20: IVC channel 0x5eed published, 64 KiB at 0x100000000" \
  "VM 21: subscribed to IVC channel 0x5eed of VM 20, at 0x180000000" \
  "ivccons: 4 MiB received, every byte checked" \
  "ivcprod: 4 MiB sent, each chunk acknowledged" \
  "ivcprod: PASS" "ivccons: PASS" \
  "memory: all that the VMs took is back" "!FAIL" "!PANIC"
