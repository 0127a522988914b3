# QEMU scenarios on aarch64: inter-VM channels (docs/hypercalls.md). The
# producer publishes a channel in its default IVC window, the consumer
# subscribes in the window its config's IVC device gives, and 4 MiB go
# through in 32 KiB chunks, each announced and acknowledged by a notify
# (the interrupt each VM's window names). Every misuse is refused; an
# unpublished or unsubscribed view is gone (an abort); the subscriber's
# view outlives the publisher's; all memory comes back.
A=aarch64
IVC_VMS=configs/vms/ivcprod-aarch64.toml:configs/vms/ivccons-aarch64.toml

qemu_scenario aarch64/ivc-stream 120 "ARCH=$A SMP=2 VM_CONFIGS=$IVC_VMS" \
  "VM 20: IVC channel 0x5eed published, 64 KiB at 0x100000000" \
  "VM 21: subscribed to IVC channel 0x5eed of VM 20, at 0x200000000" \
  "ivccons: 4 MiB received, every byte checked" \
  "ivcprod: 4 MiB sent, each chunk acknowledged" \
  "ivcprod: PASS" "ivccons: PASS" \
  "memory: all that the VMs took is back" "!FAIL"

