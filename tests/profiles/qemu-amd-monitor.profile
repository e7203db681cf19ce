# QEMU pc, AMD EPYC (SVM+NPT), 2 CPUs, -kernel: the serial monitor drives two never-ending guests
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = kernel
timeout = 90
# A cap only: the last input destroys the last VM, which ends the run.
cmdline = vms.exit_after=60
modules = guests/qemu-amd-monitor.vmconf
modules = guests/guest-spin.elf
# Typed one a second once the kernel prints "monitor: ready".
input = vms
input = pause spin-a
input = vms
input = exits spin-a
input = resume spin-a
input = destroy spin-a
input = vms
input = pause spin-a
input = frobnicate
input = destroy spin-b
expect = ^vms: 2 VMs started from 1 config module$
expect = ^monitor: ready
# Both listed as running before anything was done to them.
expect = ^  spin-a +running +1 vCPU
expect = ^  spin-b +running +1 vCPU
# Paused: listed so, counted, and no tick from it until the resume.
expect = ^monitor: pause spin-a: done$
expect = ^  spin-a +paused +1 vCPU
expect = ^\[spin-a\] paused, \d+ exits:
expect = ^monitor: pause spin-a: done\n(?:(?!.*\[spin-a\] tick).*\n)*?monitor: resume spin-a: done$
# Resumed: it ticks again.
expect = ^monitor: resume spin-a: done\n(?:.*\n)*?\[spin-a\] tick \d+$
# Destroyed: stopped as such, no longer listed, no longer found, while
# spin-b runs on.
expect = ^vm spin-a: stopped \(destroyed\): destroyed by the operator$
expect = ^monitor: destroy spin-a: done\n(?:(?!  spin-a ).*\n)*?  name +state +vcpus +memory\n(?:(?!  spin-a ).*\n)*?  spin-b +running .*\n(?:(?!  spin-a ).*\n)*?.*monitor: no VM named 'spin-a'$
expect = ^monitor: unknown command 'frobnicate' \(try help\)$
expect = ^monitor: destroy spin-b: done$
expect = ^vms: all VMs stopped$
expect = ^vms: hypervisor text/rodata unchanged
