/* glibc's extended attributes (getxattr, fgetxattr: a file's POSIX ACL), which Swift's Glibc module leaves out. */
#include <sys/xattr.h>
