import IPCCore

#if canImport(Glibc)
import Glibc
#endif

exit(Swipcrm.main())
